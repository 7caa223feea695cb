using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Sharder.Client.Messages;

/// <summary>
/// Reads list entries of the envelope format (envelope v1). An event's top level is read with a
/// <see cref="Utf8JsonReader"/> and its <c>d</c> is only located, never deserialized; markers and dead entries,
/// which are small and rare, go through the source-generated <see cref="SharderJsonContext"/>. Unknown fields are
/// ignored. Pure and thread-safe.
/// </summary>
public static class SharderMessageReader
{
    // Discord's payloads nest a few levels; 256 leaves room without letting a hostile entry recurse without bound.
    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>Reads one entry of an event list.</summary>
    /// <param name="entry">The entry as popped; <see cref="SharderEvent.Data"/> is a slice of it (keep it alive, do not reuse it).</param>
    /// <exception cref="SharderFormatException">Not a well-formed envelope or marker.</exception>
    public static SharderMessage Read(ReadOnlyMemory<byte> entry)
    {
        try
        {
            return ReadCore(entry);
        }
        catch (JsonException ex)
        {
            throw new SharderFormatException($"The entry is not well-formed JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new SharderFormatException($"The entry has a field of the wrong type: {ex.Message}", ex);
        }
    }

    /// <summary>Like <see cref="Read"/>, but false instead of an exception.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> entry, out SharderMessage? message)
    {
        try
        {
            message = Read(entry);
            return true;
        }
        catch (SharderFormatException)
        {
            message = null;
            return false;
        }
    }

    /// <summary>Reads one entry of <c>{prefix}:events:dead</c>.</summary>
    /// <exception cref="SharderFormatException">Not a dead entry.</exception>
    public static DeadEvent ReadDeadEvent(ReadOnlySpan<byte> entry)
    {
        try
        {
            return JsonSerializer.Deserialize(entry, SharderJsonContext.Default.DeadEvent)
                ?? throw new SharderFormatException("A dead entry is a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            throw new SharderFormatException($"Not a dead entry: {ex.Message}", ex);
        }
    }

    private static SharderMessage ReadCore(ReadOnlyMemory<byte> entry)
    {
        var span = entry.Span;
        var reader = new Utf8JsonReader(span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SharderFormatException("An entry is a JSON object.");
        }

        int? shard = null;
        long? sequence = null;
        string? type = null;
        string? session = null;
        ulong? guildId = null;
        string? marker = null;
        Range? data = null;
        bool overlap = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("shard"u8) ? Field.Shard
                : reader.ValueTextEquals("seq"u8) ? Field.Sequence
                : reader.ValueTextEquals("t"u8) ? Field.Type
                : reader.ValueTextEquals("session"u8) ? Field.Session
                : reader.ValueTextEquals("guild_id"u8) ? Field.GuildId
                : reader.ValueTextEquals("d"u8) ? Field.Data
                : reader.ValueTextEquals("marker"u8) ? Field.Marker
                : reader.ValueTextEquals("overlap"u8) ? Field.Overlap
                : Field.Other;
            reader.Read();
            switch (name)
            {
                case Field.Shard when reader.TokenType == JsonTokenType.Number:
                    shard = reader.GetInt32();
                    break;
                case Field.Sequence when reader.TokenType == JsonTokenType.Number:
                    sequence = reader.GetInt64();
                    break;
                case Field.Type when reader.TokenType == JsonTokenType.String:
                    type = reader.GetString();
                    break;
                case Field.Session when reader.TokenType == JsonTokenType.String:
                    session = reader.GetString();
                    break;
                case Field.GuildId:
                    guildId = ReadSnowflake(ref reader);
                    break;
                case Field.Marker when reader.TokenType == JsonTokenType.String:
                    marker = reader.GetString();
                    break;
                case Field.Overlap:
                    overlap = reader.TokenType == JsonTokenType.True;
                    break;
                case Field.Data:
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = start..(int)reader.BytesConsumed;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // Past the root object: throws on trailing data.
        while (reader.Read())
        {
        }

        if (marker is not null)
        {
            return ReadMarker(entry, marker, shard);
        }

        if (shard is not { } shardId || sequence is not { } seq || string.IsNullOrEmpty(type) || session is null || data is not { } range)
        {
            throw new SharderFormatException("An event has shard, seq, t, session and d; a marker has marker.");
        }

        return new SharderEvent(shardId, seq, type, session, guildId, entry[range]) { IsOverlap = overlap };
    }

    private static SharderMarker ReadMarker(ReadOnlyMemory<byte> entry, string kind, int? shard)
    {
        var span = entry.Span;
        SharderMarker? marker = kind switch
        {
            MarkerKinds.Resumed => JsonSerializer.Deserialize(span, SharderJsonContext.Default.ResumedMarker),
            MarkerKinds.Reidentified => JsonSerializer.Deserialize(span, SharderJsonContext.Default.ReidentifiedMarker),
            MarkerKinds.Resynced => JsonSerializer.Deserialize(span, SharderJsonContext.Default.ResyncedMarker),
            MarkerKinds.Trimmed => JsonSerializer.Deserialize(span, SharderJsonContext.Default.TrimmedMarker),
            _ => new UnknownMarker { Kind = kind, Shard = shard, Raw = entry },
        };
        return marker ?? throw new SharderFormatException("A marker is a JSON object.");
    }

    /// <summary>A snowflake as Discord writes it (a string) or as a number.</summary>
    private static ulong? ReadSnowflake(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return reader.GetUInt64();
            case JsonTokenType.String when !reader.ValueIsEscaped
                && Utf8Parser.TryParse(reader.ValueSpan, out ulong parsed, out int consumed) && consumed == reader.ValueSpan.Length:
                return parsed;
            case JsonTokenType.String when ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong unescaped):
                return unescaped;
            default:
                throw new SharderFormatException("guild_id is a snowflake (a string of digits).");
        }
    }

    private enum Field
    {
        Other,
        Shard,
        Sequence,
        Type,
        Session,
        GuildId,
        Data,
        Marker,
        Overlap,
    }
}
