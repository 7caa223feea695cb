using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// Reads the envelope (<c>op</c>, <c>s</c>, <c>t</c>, <c>d.guild_id</c>) of a gateway payload in any
/// key order without deserializing <c>d</c>; nested values are skipped, not materialized.
/// </summary>
internal static class GatewayPayloadPeek
{
    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Peeks the envelope of <paramref name="json"/>. Malformed JSON returns <see langword="false"/>; it never throws.</summary>
    public static bool TryPeek(ReadOnlySpan<byte> json, out PayloadHeader header)
    {
        try
        {
            return TryPeekCore(json, out header);
        }
        catch (JsonException)
        {
            header = default;
            return false;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader reports some invalid text (e.g. bad UTF-8 in a string) this way.
            header = default;
            return false;
        }
    }

    private static bool TryPeekCore(ReadOnlySpan<byte> json, out PayloadHeader header)
    {
        header = default;
        var reader = new Utf8JsonReader(json, s_readerOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int? op = null;
        long? sequence = null;
        string? eventType = null;
        ulong? guildId = null;
        int dataStart = 0;
        int dataLength = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("op"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
                {
                    return false;
                }

                op = value;
            }
            else if (reader.ValueTextEquals("s"u8))
            {
                if (!TryReadSequence(ref reader, out sequence))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("t"u8))
            {
                if (!TryReadEventType(ref reader, out eventType))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("d"u8))
            {
                if (!reader.Read())
                {
                    return false;
                }

                dataStart = checked((int)reader.TokenStartIndex);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    if (!TryScanDataObject(ref reader, out guildId))
                    {
                        return false;
                    }
                }
                else if (!reader.TrySkip())
                {
                    return false;
                }

                dataLength = checked((int)reader.BytesConsumed) - dataStart;
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }

        // The loop ends on the root's EndObject; anything after it (other than whitespace) makes Read throw.
        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read() || op is null)
        {
            return false;
        }

        header = new PayloadHeader(op.Value, sequence, eventType, guildId, dataStart, dataLength);
        return true;
    }

    private static bool TryReadSequence(ref Utf8JsonReader reader, out long? sequence)
    {
        sequence = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            sequence = value;
            return true;
        }

        return false;
    }

    private static bool TryReadEventType(ref Utf8JsonReader reader, out string? eventType)
    {
        eventType = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        // The reader checks structure, not UTF-8 inside strings; an event name must be valid text.
        if (reader.TokenType != JsonTokenType.String || !Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }

        eventType = reader.ValueIsEscaped
            ? reader.GetString()
            : EventTypeCache.Get(reader.ValueSpan);
        return true;
    }

    /// <summary>Walks the direct members of <c>d</c> only, skipping every nested value, to find <c>guild_id</c>.</summary>
    private static bool TryScanDataObject(ref Utf8JsonReader reader, out ulong? guildId)
    {
        guildId = null;
        var dataDepth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == dataDepth)
            {
                return true;
            }

            var isGuildId = reader.ValueTextEquals("guild_id"u8);
            if (!reader.Read())
            {
                return false;
            }

            if (isGuildId)
            {
                guildId = ReadSnowflake(ref reader);
            }

            // TrySkip is a no-op on a primitive value and steps over an object or array.
            if (!reader.TrySkip())
            {
                return false;
            }
        }

        return false;
    }

    private static ulong? ReadSnowflake(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number))
        {
            return number;
        }

        if (reader.TokenType == JsonTokenType.String
            && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out ulong parsed, out var consumed)
            && consumed == reader.ValueSpan.Length)
        {
            return parsed;
        }

        return null;
    }
}
