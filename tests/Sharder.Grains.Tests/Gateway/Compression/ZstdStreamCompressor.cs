using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Sharder.Grains.Tests.Gateway.Compression;

/// <summary>A zstd stream that is flushed after every message and never finished, as Discord does.</summary>
internal sealed class ZstdStreamCompressor : IDisposable
{
    private readonly MemoryStream _sink = new();
    private readonly CompressionStream _compressor;

    public ZstdStreamCompressor(int windowLog = 18)
    {
        _compressor = new CompressionStream(_sink, level: 3, leaveOpen: true);
        _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, windowLog);
    }

    public byte[] Compress(ReadOnlySpan<byte> message)
    {
        _compressor.Write(message);
        _compressor.Flush();
        var compressed = _sink.ToArray();
        _sink.SetLength(0);
        return compressed;
    }

    public void Dispose()
    {
        _compressor.Dispose();
        _sink.Dispose();
    }
}
