using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Sharder.Grains.Sink;

/// <summary>
/// Writes the bytes pushed to Redis. The envelope is spliced together from fixed property names, the
/// event's fields and the raw <c>d</c> bytes; <c>d</c> is never parsed or re-serialized. Pure: no I/O.
/// </summary>
internal static class EnvelopeWriter
{
    // Longest text of a long or ulong (20 digits) plus a sign.
    private const int MaxNumberLength = 21;

    private static ReadOnlySpan<byte> ShardOpening => "{\"shard\":"u8;
    private static ReadOnlySpan<byte> SequenceProperty => ",\"seq\":"u8;
    private static ReadOnlySpan<byte> TypeProperty => ",\"t\":\""u8;
    private static ReadOnlySpan<byte> SessionProperty => "\",\"session\":\""u8;
    private static ReadOnlySpan<byte> GuildProperty => "\",\"guild_id\":\""u8;
    private static ReadOnlySpan<byte> DataProperty => "\",\"d\":"u8;
    private static ReadOnlySpan<byte> OverlapProperty => ",\"overlap\":true"u8;
    private static ReadOnlySpan<byte> MarkerProperty => ",\"marker\":\""u8;
    private static ReadOnlySpan<byte> MarkerSessionProperty => "\",\"session\":\""u8;

    /// <summary>
    /// Appends <c>{"shard":…,"seq":…,"t":"…","session":"…","guild_id":"…","d":&lt;raw d&gt;}</c>;
    /// <c>guild_id</c> (a string, as Discord sends snowflakes) only when the event has one; after <c>d</c>,
    /// <c>"overlap":true</c> when a resharding run may publish the event from both generations (docs/resharding.md).
    /// </summary>
    /// <param name="eventType">The event's <c>t</c>, already JSON-encoded (callers cache these).</param>
    /// <param name="sessionId">The event's session, already JSON-encoded (one per batch).</param>
    public static void WriteEnvelope(
        IBufferWriter<byte> output, int shardId, in ShardDispatch dispatch, JsonEncodedText eventType, JsonEncodedText sessionId)
    {
        ArgumentNullException.ThrowIfNull(output);
        var data = dispatch.Data.Span;
        var type = eventType.EncodedUtf8Bytes;
        var session = sessionId.EncodedUtf8Bytes;
        int maxLength = ShardOpening.Length + SequenceProperty.Length + TypeProperty.Length + SessionProperty.Length
            + GuildProperty.Length + DataProperty.Length + OverlapProperty.Length + 1 + (3 * MaxNumberLength) + type.Length + session.Length + data.Length;

        var span = output.GetSpan(maxLength);
        int written = 0;
        Append(span, ref written, ShardOpening);
        AppendNumber(span, ref written, shardId);
        Append(span, ref written, SequenceProperty);
        AppendNumber(span, ref written, dispatch.Sequence);
        Append(span, ref written, TypeProperty);
        Append(span, ref written, type);
        Append(span, ref written, SessionProperty);
        Append(span, ref written, session);
        if (dispatch.GuildId is { } guildId)
        {
            Append(span, ref written, GuildProperty);
            AppendNumber(span, ref written, guildId);
        }

        Append(span, ref written, DataProperty);
        Append(span, ref written, data);
        if (dispatch.Overlap)
        {
            Append(span, ref written, OverlapProperty);
        }

        span[written++] = (byte)'}';
        output.Advance(written);
    }

    /// <inheritdoc cref="WriteEnvelope(IBufferWriter{byte}, int, in ShardDispatch, JsonEncodedText, JsonEncodedText)"/>
    public static void WriteEnvelope(IBufferWriter<byte> output, int shardId, in ShardDispatch dispatch)
        => WriteEnvelope(output, shardId, dispatch, JsonEncodedText.Encode(dispatch.EventType), JsonEncodedText.Encode(dispatch.SessionId));

    /// <summary>Appends the frame as received, then the shard id as a little-endian u16 (sharder-binary's trailer).</summary>
    public static void WriteSharderBinary(IBufferWriter<byte> output, int shardId, in ShardDispatch dispatch)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (shardId > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(shardId), shardId, "The sharder-binary trailer holds shard ids up to 65535.");
        }

        var frame = dispatch.Payload.Span;
        var span = output.GetSpan(frame.Length + sizeof(ushort));
        frame.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[frame.Length..], (ushort)shardId);
        output.Advance(frame.Length + sizeof(ushort));
    }

    /// <summary>
    /// The opening of a marker object, <c>{"shard":3,"marker":"resumed","session":"…"</c>, without its
    /// closing: the push script appends the fields it reads from the checkpoint and the final brace.
    /// </summary>
    public static byte[] WriteMarkerHead(int shardId, string marker, string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        var kind = JsonEncodedText.Encode(marker).EncodedUtf8Bytes;
        var session = JsonEncodedText.Encode(sessionId).EncodedUtf8Bytes;
        var span = new byte[ShardOpening.Length + MaxNumberLength + MarkerProperty.Length + kind.Length
            + MarkerSessionProperty.Length + session.Length + 1];
        int written = 0;
        Append(span, ref written, ShardOpening);
        AppendNumber(span, ref written, shardId);
        Append(span, ref written, MarkerProperty);
        Append(span, ref written, kind);
        Append(span, ref written, MarkerSessionProperty);
        Append(span, ref written, session);
        span[written++] = (byte)'"';
        return span[..written];
    }

    private static void Append(Span<byte> destination, ref int written, ReadOnlySpan<byte> source)
    {
        source.CopyTo(destination[written..]);
        written += source.Length;
    }

    private static void AppendNumber<T>(Span<byte> destination, ref int written, T value)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(destination[written..], out int length, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("The envelope buffer was sized too small for a number.");
        }

        written += length;
    }
}
