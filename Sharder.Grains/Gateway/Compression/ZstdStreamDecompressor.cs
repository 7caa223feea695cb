using System.Buffers;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Sharder.Grains.Gateway.Compression;

/// <summary>
/// <c>zstd-stream</c>: one zstd frame spans the whole connection and is never finished; every
/// WebSocket message is one complete gateway message (a ZSTD_e_flush point). Not thread-safe: one
/// reader per connection.
/// </summary>
internal sealed class ZstdStreamDecompressor : IGatewayDecompressor
{
    internal const string QueryValue = "zstd-stream";

    /// <summary>
    /// Largest accepted window, as a power of two: 4 MiB. Discord uses 256 KiB (window log 18); the
    /// headroom admits zstd's default 2 MiB windows, and the cap bounds memory per connection.
    /// </summary>
    internal const int DefaultMaxWindowLog = 22;

    private readonly int _maxMessageBytes;
    private readonly Decompressor _decompressor;
    private bool _faulted;
    private bool _disposed;

    public ZstdStreamDecompressor(int maxMessageBytes, int maxWindowLog = DefaultMaxWindowLog)
    {
        DecompressionBudget.ValidateCap(maxMessageBytes);
        _maxMessageBytes = maxMessageBytes;
        _decompressor = new Decompressor();
        _decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, maxWindowLog);
    }

    public string Name => QueryValue;

    public DecompressResult Decompress(ReadOnlySpan<byte> wsMessage, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new GatewayDecompressionException("The zstd context failed earlier; Reset() it before reuse.");
        }

        try
        {
            Inflate(wsMessage, output);
            return DecompressResult.Complete;
        }
        catch (ZstdException ex)
        {
            _faulted = true;
            throw new GatewayDecompressionException("The zstd-stream data is corrupt.", ex);
        }
        catch (GatewayDecompressionException)
        {
            _faulted = true;
            throw;
        }
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Session-only reset: parameters such as the window limit survive.
        _decompressor.ResetStream();
        _faulted = false;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _decompressor.Dispose();
    }

    private void Inflate(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        long written = 0;
        while (true)
        {
            var span = DecompressionBudget.GetOutputSpan(output, written, _maxMessageBytes);
            var status = _decompressor.UnwrapStream(input, span, out var consumed, out var produced);
            if (status == OperationStatus.InvalidData)
            {
                throw new GatewayDecompressionException(
                    "The zstd-stream data is corrupt or uses a window larger than the configured limit.");
            }

            output.Advance(produced);
            written += produced;
            DecompressionBudget.EnsureWithinCap(written, _maxMessageBytes);
            input = input[consumed..];

            // A full output span may leave decoded bytes inside the context, so only stop once it was not filled.
            if (input.IsEmpty && produced < span.Length)
            {
                break;
            }
        }

        if (written == 0)
        {
            throw new GatewayDecompressionException("A zstd-stream message decompressed to nothing.");
        }
    }
}
