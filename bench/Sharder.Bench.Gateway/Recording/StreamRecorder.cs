using System.IO.Compression;
using Sharder.Grains.Gateway.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Sharder.Bench.Gateway.Recording;

/// <summary>
/// Encodes gateway messages the way Discord does for one connection: a single compression context for
/// the whole stream, flushed after every message, so each message becomes one WebSocket message.
/// </summary>
internal sealed class StreamRecorder : IDisposable
{
    /// <summary>Discord's zstd-stream window: 2^18 = 256 KiB (gateway doc §9.2).</summary>
    public const int ZstdWindowLog = 18;

    private readonly MemoryStream _output = new();
    private readonly Stream? _compressor;
    private readonly List<int> _ends = [];

    public StreamRecorder(GatewayCompression mode)
    {
        Mode = mode;
        _compressor = mode switch
        {
            GatewayCompression.None => null,
            GatewayCompression.ZlibStream => new ZLibStream(_output, CompressionLevel.Optimal, leaveOpen: true),
            GatewayCompression.ZstdStream => CreateZstd(_output),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown gateway compression mode."),
        };
    }

    public GatewayCompression Mode { get; }

    private static ReadOnlySpan<byte> SyncFlushSuffix => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>Encodes one gateway message and ends a WebSocket message after it.</summary>
    public void Append(ReadOnlySpan<byte> json)
    {
        var start = _output.Length;
        if (_compressor is null)
        {
            _output.Write(json);
        }
        else
        {
            // ZLibStream.Flush is a sync flush (00 00 FF FF); CompressionStream.Flush is ZSTD_e_flush.
            _compressor.Write(json);
            _compressor.Flush();
        }

        if (_output.Length > Array.MaxLength)
        {
            throw new InvalidOperationException("The recorded stream outgrew one array; use fewer frames.");
        }

        if (Mode == GatewayCompression.ZlibStream && !_output.GetBuffer().AsSpan((int)start, (int)(_output.Length - start)).EndsWith(SyncFlushSuffix))
        {
            throw new InvalidOperationException("A zlib-stream message does not end with the sync-flush suffix.");
        }

        _ends.Add((int)_output.Length);
    }

    /// <summary>The messages recorded so far. The stream is left unfinished, as a live connection's is.</summary>
    public RecordedStream ToRecordedStream() => new(Mode, _output.GetBuffer(), [.. _ends]);

    public void Dispose()
    {
        _compressor?.Dispose();
        _output.Dispose();
    }

    private static CompressionStream CreateZstd(Stream output)
    {
        var zstd = new CompressionStream(output, Compressor.DefaultCompressionLevel, bufferSize: 0, leaveOpen: true);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, ZstdWindowLog);
        return zstd;
    }
}
