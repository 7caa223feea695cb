using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Sharder.Grains.Commands;

/// <summary>
/// One rejected or undeliverable command, as written to <c>{prefix}:commands:dead</c>:
/// <c>{"reason","detail","list","shard","at","size","payload","base64","truncated"}</c>. The payload is cut
/// to <see cref="MaxPayloadBytes"/>; it is a string when the command is valid UTF-8, else base64 with
/// <c>"base64":true</c>. Pure: no I/O.
/// </summary>
/// <param name="Reason">Why it was not sent.</param>
/// <param name="Detail">The validator's or the pump's words; never payload content.</param>
/// <param name="List">The Redis list the command was popped from.</param>
/// <param name="ShardId">The shard it was for, when known.</param>
/// <param name="At">When it was rejected.</param>
internal sealed record DeadLetter(CommandRejectReason Reason, string Detail, string List, int? ShardId, DateTimeOffset At)
{
    /// <summary>How much of the payload an entry keeps.</summary>
    public const int MaxPayloadBytes = 4096;

    /// <summary>The entry's JSON for <paramref name="payload"/>.</summary>
    public byte[] ToJson(ReadOnlySpan<byte> payload)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + payload.Length * 2);
        // Relaxed escaping keeps the payload readable ("op" rather than \u0022op\u0022); the entry is never put in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("reason"u8, Reason.ToString());
            writer.WriteString("detail"u8, Detail);
            writer.WriteString("list"u8, List);
            if (ShardId is { } shard)
            {
                writer.WriteNumber("shard"u8, shard);
            }
            else
            {
                writer.WriteNull("shard"u8);
            }

            writer.WriteString("at"u8, At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteNumber("size"u8, payload.Length);
            bool text = Utf8.IsValid(payload);
            var kept = text ? CutAtCharBoundary(payload) : payload[..Math.Min(payload.Length, MaxPayloadBytes)];

            // Kept as text, so a worker's author reads the command as pushed (the writer escapes what JSON needs).
            if (text)
            {
                writer.WriteString("payload"u8, kept);
            }
            else
            {
                writer.WriteBase64String("payload"u8, kept);
            }

            writer.WriteBoolean("base64"u8, !text);
            writer.WriteBoolean("truncated"u8, kept.Length < payload.Length);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The first <see cref="MaxPayloadBytes"/> or fewer bytes, not splitting a UTF-8 sequence.</summary>
    private static ReadOnlySpan<byte> CutAtCharBoundary(ReadOnlySpan<byte> payload)
    {
        if (payload.Length <= MaxPayloadBytes)
        {
            return payload;
        }

        int end = MaxPayloadBytes;
        while (end > 0 && (payload[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return payload[..end];
    }
}
