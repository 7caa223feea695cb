using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Sharder.Grains.Cutover;

/// <summary>
/// The event clock used to split a resharding overlap: a time both generations read identically from an
/// event's own payload (a snowflake's creation time or a timestamp Discord wrote), so old and new sessions
/// agree on which side of the cut-over an event falls without talking to each other. Peeks only the few
/// properties it needs; <c>d</c> is never deserialized. Pure.
/// </summary>
internal static class EventClock
{
    /// <summary>Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds: a snowflake's time is <c>(id &gt;&gt; 22) + this</c>.</summary>
    public const long DiscordEpochUnixMilliseconds = 1_420_070_400_000;

    private static readonly JsonReaderOptions s_readerOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Where an event type's clock is read.</summary>
    internal enum Source
    {
        None,

        /// <summary>The creation time of the snowflake <c>d.id</c>: the object the event announces was made then.</summary>
        Id,

        /// <summary>The creation time of <c>d.role.id</c>.</summary>
        RoleId,

        /// <summary><c>d.edited_timestamp</c> (ISO 8601), when present and not null.</summary>
        EditedTimestamp,

        /// <summary><c>d.joined_at</c> (ISO 8601).</summary>
        JoinedAt,

        /// <summary><c>d.timestamp</c> in Unix seconds (TYPING_START): coarse, but the same in every session.</summary>
        UnixSecondsTimestamp,
    }

    /// <summary>The table: which event types carry an identity both generations see, and where.</summary>
    internal static Source SourceOf(string eventType) => eventType switch
    {
        "MESSAGE_CREATE" or "INTERACTION_CREATE" or "CHANNEL_CREATE" or "THREAD_CREATE" => Source.Id,
        "GUILD_ROLE_CREATE" => Source.RoleId,
        "MESSAGE_UPDATE" => Source.EditedTimestamp,
        "GUILD_MEMBER_ADD" => Source.JoinedAt,
        "TYPING_START" => Source.UnixSecondsTimestamp,
        _ => Source.None,
    };

    /// <summary>
    /// The event's clock in Unix milliseconds, or null when its type carries none or the property is
    /// missing or malformed (the event is then treated as clockless: the overlap window applies). Never throws.
    /// </summary>
    /// <param name="eventType">The dispatch's <c>t</c>.</param>
    /// <param name="data">The raw <c>d</c> value.</param>
    public static long? Read(string eventType, ReadOnlySpan<byte> data)
    {
        var source = SourceOf(eventType);
        if (source == Source.None)
        {
            return null;
        }

        try
        {
            return ReadCore(source, data);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The creation time of a snowflake, in Unix milliseconds.</summary>
    public static long SnowflakeTime(ulong snowflake) => (long)(snowflake >> 22) + DiscordEpochUnixMilliseconds;

    private static long? ReadCore(Source source, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, s_readerOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var property = source switch
        {
            Source.Id => "id"u8,
            Source.RoleId => "role"u8,
            Source.EditedTimestamp => "edited_timestamp"u8,
            Source.JoinedAt => "joined_at"u8,
            _ => "timestamp"u8,
        };
        if (!SeekTopLevel(ref reader, property))
        {
            return null;
        }

        if (source == Source.RoleId)
        {
            return reader.TokenType == JsonTokenType.StartObject && SeekTopLevel(ref reader, "id"u8) ? Snowflake(ref reader) : null;
        }

        return source switch
        {
            Source.Id => Snowflake(ref reader),
            Source.UnixSecondsTimestamp => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds)
                ? seconds * 1000
                : null,
            _ => Timestamp(ref reader),
        };
    }

    /// <summary>Moves to the value of <paramref name="name"/> in the object the reader just entered; skips nested values.</summary>
    private static bool SeekTopLevel(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            if (!reader.Read())
            {
                return false;
            }

            if (match)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    private static long? Snowflake(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out ulong id, out int consumed) && consumed == reader.ValueSpan.Length && id > 0)
        {
            return SnowflakeTime(id);
        }

        return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number) && number > 0 ? SnowflakeTime(number) : null;
    }

    private static long? Timestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null; // edited_timestamp is null on edits that are not content edits (embeds resolving)
        }

        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUnixTimeMilliseconds()
            : null;
    }
}
