using System.Buffers;
using System.Buffers.Binary;

namespace Sharder.Simulator.Net;

/// <summary>
/// Writes unmasked RFC 6455 server frames straight to the stream. Needed only to interleave ping
/// control frames between the fragments of one data message, which the WebSocket API
/// cannot express. Each frame is written with a single write call.
/// </summary>
internal static class RawFrameWriter
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Ping = 0x9;

    private const byte FinalFragmentBit = 0x80;
    private const int MaxSmallLength = 125;
    private const byte Extended16 = 126;
    private const byte Extended64 = 127;

    /// <summary>Sends <paramref name="payload"/> as fragments of <paramref name="fragmentSize"/> bytes with a ping after each non-final one.</summary>
    public static async ValueTask WriteFragmentedWithPingsAsync(
        Stream stream, ReadOnlyMemory<byte> payload, bool binary, int fragmentSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fragmentSize, 1);
        var offset = 0;
        do
        {
            var length = Math.Min(fragmentSize, payload.Length - offset);
            var isLast = offset + length == payload.Length;
            var opcode = offset == 0 ? (binary ? Binary : Text) : Continuation;
            await WriteFrameAsync(stream, opcode, isLast, payload.Slice(offset, length), cancellationToken).ConfigureAwait(false);
            if (!isLast)
            {
                await WriteFrameAsync(stream, Ping, isFinal: true, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }

            offset += length;
        }
        while (offset < payload.Length);
    }

    public static async ValueTask WriteFrameAsync(
        Stream stream, byte opcode, bool isFinal, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var headerLength = payload.Length <= MaxSmallLength ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var frameLength = headerLength + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            frame[0] = (byte)((isFinal ? FinalFragmentBit : 0) | opcode);
            if (headerLength == 2)
            {
                frame[1] = (byte)payload.Length;
            }
            else if (headerLength == 4)
            {
                frame[1] = Extended16;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
            }
            else
            {
                frame[1] = Extended64;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
            }

            payload.Span.CopyTo(frame.AsSpan(headerLength));
            await stream.WriteAsync(frame.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
