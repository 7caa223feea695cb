using System.IO.Compression;

namespace Sharder.Grains.Tests.Gateway.Compression;

/// <summary>A test-side zlib-stream: one context per connection, one sync flush per gateway message.</summary>
internal sealed class ZlibStreamCompressor : IDisposable
{
    private readonly MemoryStream _sink = new();
    private readonly ZLibStream _deflater;

    public ZlibStreamCompressor() => _deflater = new ZLibStream(_sink, CompressionLevel.Optimal, leaveOpen: true);

    /// <summary>Compresses one message and sync-flushes, so the result ends with 00 00 FF FF.</summary>
    public byte[] Compress(ReadOnlySpan<byte> message)
    {
        _deflater.Write(message);
        _deflater.Flush();
        var compressed = _sink.ToArray();
        _sink.SetLength(0);
        return compressed;
    }

    public void Dispose()
    {
        _deflater.Dispose();
        _sink.Dispose();
    }
}
