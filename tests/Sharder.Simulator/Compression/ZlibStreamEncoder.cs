using System.IO.Compression;

namespace Sharder.Simulator.Compression;

/// <summary>
/// <c>zlib-stream</c> (R-7.1): one zlib stream for the whole connection. Each message is followed
/// by a sync flush, so it ends with <c>00 00 FF FF</c>; the stream is never finished.
/// </summary>
internal sealed class ZlibStreamEncoder : IGatewayEncoder
{
    private readonly EncoderOutputStream _output = new();
    private readonly ZLibStream _zlib;

    public ZlibStreamEncoder()
    {
        _zlib = new ZLibStream(_output, CompressionLevel.Optimal, leaveOpen: true);
    }

    public TransportCompression Mode => TransportCompression.ZlibStream;

    public EncodedMessage Encode(ReadOnlySpan<byte> json)
    {
        _output.Reset();
        _zlib.Write(json);
        _zlib.Flush();
        return new EncodedMessage(_output.Written, Binary: true);
    }

    public void Dispose()
    {
        // Disposing finishes the zlib stream into our own buffer, which is never sent.
        _zlib.Dispose();
        _output.Dispose();
    }
}
