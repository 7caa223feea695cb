using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>
/// Turns a batch or a marker into the arguments of its script (<see cref="RedisScripts"/>): picks each
/// event's list, applies the event-type filter and writes the payloads. Pure: no I/O.
/// </summary>
internal sealed class BatchEncoder
{
    /// <summary>ARGV slots before the per-event triples in <see cref="RedisScripts.PublishText"/>.</summary>
    public const int PublishHeaderValues = 9;

    /// <summary>Where a dead-letter entry cuts the event's frame.</summary>
    public const int DeadLetterPayloadLimit = 4096;

    // Typical envelope overhead beyond d (field names, numbers, type, session), for sizing the batch buffer.
    private const int EnvelopeOverheadEstimate = 160;
    private const int MaxCachedEventTypes = 512;

    private readonly RedisOutputFormat _format;
    private readonly long _maxLength;
    private readonly FrozenSet<string> _allowed;
    private readonly FrozenSet<string> _denied;
    private readonly ConcurrentDictionary<string, JsonEncodedText> _encodedEventTypes = new(StringComparer.Ordinal);

    public BatchEncoder(RedisOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _format = options.Format;
        _maxLength = options.MaxLength;
        _allowed = options.AllowedEventTypes.ToFrozenSet(StringComparer.Ordinal);
        _denied = options.DeniedEventTypes.ToFrozenSet(StringComparer.Ordinal);
        Layout = new KeyLayout(options.Format, options.Layout, options.Partitions, options.KeyLayout);
    }

    public KeyLayout Layout { get; }

    /// <summary>Whether events of this type are pushed (allow-list, then deny-list).</summary>
    public bool IsPushed(string eventType)
        => (_allowed.Count == 0 || _allowed.Contains(eventType)) && !_denied.Contains(eventType);

    /// <summary>
    /// Arguments for <see cref="RedisScripts.PublishText"/>. Every envelope is written straight into one
    /// pooled buffer for the batch (<see cref="ScriptArguments.Payloads"/>); the caller returns it once Redis
    /// answered the call, never after a timeout, when Redis may still be sent the bytes.
    /// </summary>
    /// <param name="position">The writer's session start and position in it (see <see cref="PublishPosition"/>).</param>
    /// <param name="skippedLists">Lists whose events are left out (dead-lettered); they still advance the checkpoint.</param>
    /// <param name="keyTotal">The generation total the shard's keys carry; 0 for unqualified keys (<see cref="ShardKeys"/>).</param>
    /// <exception cref="ArgumentException">An event belongs to another session.</exception>
    public ScriptArguments EncodeBatch(
        int shardId,
        long epoch,
        string sessionId,
        string? resumeUrl,
        IReadOnlyList<ShardDispatch> batch,
        PublishPosition position = default,
        IReadOnlySet<string>? skippedLists = null,
        int keyTotal = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var shardKeys = Layout.For(shardId, keyTotal);
        var keys = new List<RedisKey> { shardKeys.Checkpoint };
        var keyIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var slots = new List<(long Sequence, int KeyIndex, int Start, int Length)>(batch.Count);
        var buffer = new PooledBatchBuffer(EstimateSize(batch));
        var encodedSession = _format == RedisOutputFormat.Envelope ? JsonEncodedText.Encode(sessionId) : default;
        long highest = -1;

        for (int i = 0; i < batch.Count; i++)
        {
            var dispatch = batch[i];
            if (!string.Equals(dispatch.SessionId, sessionId, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Event {i} (seq {dispatch.Sequence}) belongs to session {dispatch.SessionId}, not {sessionId}.", nameof(batch));
            }

            highest = Math.Max(highest, dispatch.Sequence);
            if (dispatch.Withheld || !IsPushed(dispatch.EventType))
            {
                continue;
            }

            var key = shardKeys.EventKey(dispatch.EventType, dispatch.GuildId);
            if (skippedLists?.Contains(key) == true)
            {
                continue;
            }

            if (!keyIndexes.TryGetValue(key, out int keyIndex))
            {
                keys.Add(key);
                keyIndex = keys.Count; // Lua's KEYS is 1-based
                keyIndexes.Add(key, keyIndex);
            }

            int start = buffer.WrittenCount;
            if (_format == RedisOutputFormat.SharderBinary)
            {
                EnvelopeWriter.WriteSharderBinary(buffer, shardId, dispatch);
            }
            else
            {
                EnvelopeWriter.WriteEnvelope(buffer, shardId, dispatch, EncodedEventType(dispatch.EventType), encodedSession);
            }

            slots.Add((dispatch.Sequence, keyIndex, start, buffer.WrittenCount - start));
        }

        int firstMarkerList = keys.Count + 1;
        foreach (var markerList in shardKeys.MarkerLists)
        {
            keys.Add(markerList);
        }

        var values = new RedisValue[PublishHeaderValues + (3 * slots.Count)];
        values[0] = epoch;
        values[1] = sessionId;
        values[2] = resumeUrl ?? "";
        values[3] = highest;
        values[4] = position.StartId ?? "";
        values[5] = position.Sequence is { } reached ? reached : RedisValue.EmptyString;
        values[6] = Layout.MarkerLists.Count == 0 ? RedisValue.EmptyString : shardId;
        values[7] = firstMarkerList;
        values[8] = _maxLength;
        var payloads = buffer.WrittenMemory;
        for (int i = 0; i < slots.Count; i++)
        {
            var (sequence, keyIndex, start, length) = slots[i];
            int at = PublishHeaderValues + (3 * i);
            values[at] = sequence;
            values[at + 1] = keyIndex;
            values[at + 2] = payloads.Slice(start, length);
        }

        return new ScriptArguments([.. keys], values, buffer);
    }

    /// <summary>Arguments for <see cref="RedisScripts.MarkerText"/>; no marker lists for sharder-binary.</summary>
    public ScriptArguments EncodeMarker(int shardId, long epoch, ShardLifecycleMarker marker, int keyTotal = 0)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var shardKeys = Layout.For(shardId, keyTotal);
        var kind = marker.Kind == ShardLifecycleMarkerKind.Resumed ? "resumed" : "reidentified";
        RedisValue position = marker.Kind == ShardLifecycleMarkerKind.Resumed && marker.KnownPosition is { } known
            ? known
            : RedisValue.EmptyString;
        var keys = new RedisKey[1 + shardKeys.MarkerLists.Count];
        keys[0] = shardKeys.Checkpoint;
        for (int i = 0; i < shardKeys.MarkerLists.Count; i++)
        {
            keys[i + 1] = shardKeys.MarkerLists[i];
        }

        RedisValue[] values =
        [
            epoch, kind, marker.SessionId, marker.Sequence, marker.ResumeUrl ?? "", MarkerHead(shardId, kind, marker.SessionId),
            marker.StartId ?? "", MarkerHead(shardId, "resynced", marker.SessionId), position,
        ];
        return new ScriptArguments(keys, values);
    }

    /// <summary>
    /// A dead-letter entry for an event that cannot be written:
    /// <c>{"shard":…,"session":"…","seq":…,"type":"…","list":"…","reason":"…","time":"…","payload":"…"}</c>,
    /// the payload being the gateway frame cut to <see cref="DeadLetterPayloadLimit"/> bytes.
    /// </summary>
    public static byte[] EncodeDeadLetter(int shardId, in ShardDispatch dispatch, string list, string reason, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>(DeadLetterPayloadLimit + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("shard", shardId);
            writer.WriteString("session", dispatch.SessionId);
            writer.WriteNumber("seq", dispatch.Sequence);
            writer.WriteString("type", dispatch.EventType);
            writer.WriteString("list", list);
            writer.WriteString("reason", reason);
            writer.WriteString("time", time.UtcDateTime);
            writer.WriteString("payload", CutUtf8(dispatch.Payload.Span, DeadLetterPayloadLimit));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The list an event goes to, or null when the event-type filter leaves it out.</summary>
    public string? ListOf(int shardId, in ShardDispatch dispatch, int keyTotal = 0)
        => IsPushed(dispatch.EventType) && !dispatch.Withheld ? Layout.For(shardId, keyTotal).EventKey(dispatch.EventType, dispatch.GuildId) : null;

    /// <summary>At most <paramref name="limit"/> bytes, cut before a partial UTF-8 character, as text.</summary>
    private static string CutUtf8(ReadOnlySpan<byte> bytes, int limit)
    {
        if (bytes.Length > limit)
        {
            int end = limit;
            while (end > 0 && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }

            bytes = bytes[..end];
        }

        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private RedisValue MarkerHead(int shardId, string kind, string sessionId)
        => Layout.MarkerLists.Count == 0 ? RedisValue.EmptyString : EnvelopeWriter.WriteMarkerHead(shardId, kind, sessionId);

    private int EstimateSize(IReadOnlyList<ShardDispatch> batch)
    {
        long size = 0;
        foreach (var dispatch in batch)
        {
            size += _format == RedisOutputFormat.SharderBinary
                ? dispatch.Payload.Length + sizeof(ushort)
                : dispatch.Data.Length + EnvelopeOverheadEstimate;
        }

        return (int)Math.Min(size, Array.MaxLength);
    }

    private JsonEncodedText EncodedEventType(string eventType)
    {
        if (_encodedEventTypes.TryGetValue(eventType, out var encoded))
        {
            return encoded;
        }

        encoded = JsonEncodedText.Encode(eventType);
        if (_encodedEventTypes.Count < MaxCachedEventTypes)
        {
            _encodedEventTypes.TryAdd(eventType, encoded);
        }

        return encoded;
    }
}
