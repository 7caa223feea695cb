using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Sharder.Grains.Commands;

/// <summary>Which shard a guild-routed command goes to. Pure: no I/O.</summary>
internal static class CommandRouting
{
    /// <summary>Discord's sharding formula: <c>(guild_id &gt;&gt; 22) % shard_count</c>.</summary>
    public static int ShardForGuild(ulong guildId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return (int)((guildId >> 22) % (ulong)shardCount);
    }

    /// <summary>
    /// Reads <c>d.guild_id</c> (a string or a number) from a gateway payload such as
    /// <c>{"op":4,"d":{"guild_id":"41771983423143937",…}}</c> without deserializing it. The whole payload
    /// must be well-formed JSON: a broken one would make the gateway close the shard's connection.
    /// </summary>
    /// <returns>False when the payload is not a JSON object with a valid <c>d.guild_id</c>.</returns>
    public static bool TryReadGuildId(ReadOnlySpan<byte> payload, out ulong guildId)
    {
        guildId = 0;
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("d"u8);
                reader.Read();
                if (isData && reader.TokenType == JsonTokenType.StartObject)
                {
                    found = TryReadGuildIdProperty(ref reader, out guildId);
                }
                else
                {
                    reader.Skip();
                }
            }

            // Reading past the root object's end throws on trailing or missing content.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && found;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped guild_id with a lone surrogate cannot be unescaped.
            return false;
        }
    }

    /// <summary>Reads the object <paramref name="reader"/> stands on to its end, taking <c>guild_id</c> on the way.</summary>
    private static bool TryReadGuildIdProperty(ref Utf8JsonReader reader, out ulong guildId)
    {
        guildId = 0;
        bool found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isGuildId = reader.ValueTextEquals("guild_id"u8);
            reader.Read();
            if (isGuildId)
            {
                found = reader.TokenType switch
                {
                    JsonTokenType.Number => reader.TryGetUInt64(out guildId),
                    JsonTokenType.String when !reader.ValueIsEscaped
                        => Utf8Parser.TryParse(reader.ValueSpan, out guildId, out int consumed) && consumed == reader.ValueSpan.Length,
                    JsonTokenType.String => ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out guildId),
                    _ => false,
                };
            }

            reader.Skip();
        }

        return found;
    }
}
