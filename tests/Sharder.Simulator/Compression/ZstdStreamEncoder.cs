using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Sharder.Simulator.Compression;

/// <summary>
/// <c>zstd-stream</c> (R-7.2): one zstd frame for the whole connection with Discord's 256 KiB
/// window; each message is flushed (ZSTD_e_flush) and the frame is never ended.
/// </summary>
internal sealed class ZstdStreamEncoder : IGatewayEncoder
{
    /// <summary>2^18 = 256 KiB, the window real Discord frames declare (window descriptor 0x40).</summary>
    public const int WindowLog = 18;

    private readonly EncoderOutputStream _output = new();
    private readonly CompressionStream _zstd;

    public ZstdStreamEncoder()
    {
        _zstd = new CompressionStream(_output, Compressor.DefaultCompressionLevel, bufferSize: 0, leaveOpen: true);
        _zstd.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, WindowLog);
    }

    public TransportCompression Mode => TransportCompression.ZstdStream;

    public EncodedMessage Encode(ReadOnlySpan<byte> json)
    {
        _output.Reset();
        _zstd.Write(json);
        _zstd.Flush();
        return new EncodedMessage(_output.Written, Binary: true);
    }

    public void Dispose()
    {
        _zstd.Dispose();
        _output.Dispose();
    }
}
