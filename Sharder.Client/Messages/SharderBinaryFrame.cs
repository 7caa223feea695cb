using System.Buffers.Binary;
using System.Text.Json;

namespace Sharder.Client.Messages;

/// <summary>
/// An entry of <c>{prefix}:from</c> with <c>Redis:Output:Format=SharderBinary</c> (serenity-rs/sharder-binary's
/// wire format): the gateway frame exactly as received (<c>{"t":…,"s":…,"op":0,"d":…}</c>, UTF-8 JSON) followed by
/// the shard id as a little-endian u16. No session and no markers: a worker cannot see gaps or dedupe by session.
/// </summary>
public sealed class SharderBinaryFrame
{
    private SharderBinaryFrame(int shard, ReadOnlyMemory<byte> frame, int op, string? type, long? sequence, ReadOnlyMemory<byte> data)
    {
        Shard = shard;
        Frame = frame;
        Op = op;
        Type = type;
        Sequence = sequence;
        Data = data;
    }

    /// <summary>The trailer's shard id.</summary>
    public int Shard { get; }

    /// <summary>The gateway frame without the trailer.</summary>
    public ReadOnlyMemory<byte> Frame { get; }

    /// <summary>The frame's <c>op</c> (0 for the dispatches Sharder pushes).</summary>
    public int Op { get; }

    /// <summary>The frame's <c>t</c>.</summary>
    public string? Type { get; }

    /// <summary>The frame's <c>s</c>.</summary>
    public long? Sequence { get; }

    /// <summary>The raw <c>d</c>, a slice of <see cref="Frame"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Splits the trailer off and reads the frame's op, t and s; <c>d</c> is only located.</summary>
    /// <exception cref="SharderFormatException">Shorter than the trailer, or the frame is not a JSON object.</exception>
    public static SharderBinaryFrame Read(ReadOnlyMemory<byte> entry)
    {
        if (entry.Length < sizeof(ushort) + 2)
        {
            throw new SharderFormatException("A sharder-binary entry is a frame followed by a 2-byte shard id.");
        }

        int shard = BinaryPrimitives.ReadUInt16LittleEndian(entry.Span[^sizeof(ushort)..]);
        var frame = entry[..^sizeof(ushort)];
        try
        {
            var reader = new Utf8JsonReader(frame.Span, SharderMessageReader.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SharderFormatException("A gateway frame is a JSON object.");
            }

            int op = -1;
            string? type = null;
            long? sequence = null;
            Range data = 0..0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isOp = reader.ValueTextEquals("op"u8);
                bool isType = reader.ValueTextEquals("t"u8);
                bool isSequence = reader.ValueTextEquals("s"u8);
                bool isData = reader.ValueTextEquals("d"u8);
                reader.Read();
                if (isOp && reader.TokenType == JsonTokenType.Number)
                {
                    op = reader.GetInt32();
                }
                else if (isType && reader.TokenType == JsonTokenType.String)
                {
                    type = reader.GetString();
                }
                else if (isSequence && reader.TokenType == JsonTokenType.Number)
                {
                    sequence = reader.GetInt64();
                }
                else if (isData)
                {
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = start..(int)reader.BytesConsumed;
                }
                else
                {
                    reader.Skip();
                }
            }

            while (reader.Read())
            {
            }

            return new SharderBinaryFrame(shard, frame, op, type, sequence, frame[data]);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new SharderFormatException($"The frame is not a gateway payload: {ex.Message}", ex);
        }
    }
}
