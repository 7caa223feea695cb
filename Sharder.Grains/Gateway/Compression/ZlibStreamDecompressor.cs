using System.Buffers;
using System.IO.Compression;

namespace Sharder.Grains.Gateway.Compression;

/// <summary>
/// <c>zlib-stream</c>: one zlib stream spans the whole connection and every gateway message ends with
/// a sync flush (00 00 FF FF). A message may arrive split over several WebSocket messages, so input
/// is buffered until the suffix arrives. Not thread-safe: one reader per connection.
/// </summary>
/// <remarks>
/// <see cref="ZLibStream"/> reads from a feed stream that returns 0 when the buffered message is used
/// up; the inflater keeps its state (window, dictionary) and continues when the next message is fed.
/// </remarks>
internal sealed class ZlibStreamDecompressor : IGatewayDecompressor
{
    internal const string QueryValue = "zlib-stream";

    private const int InitialInputBytes = 32 * 1024;

    private readonly int _maxMessageBytes;
    private readonly long _maxCompressedBytes;
    private readonly InputFeedStream _feed = new();
    private byte[] _input;
    private int _inputLength;
    private ZLibStream _inflater;
    private bool _faulted;
    private bool _disposed;

    public ZlibStreamDecompressor(int maxMessageBytes)
    {
        DecompressionBudget.ValidateCap(maxMessageBytes);
        _maxMessageBytes = maxMessageBytes;

        // Deflate's worst case (stored blocks) adds 5 bytes per 16 KiB or more, plus the header and suffix.
        _maxCompressedBytes = maxMessageBytes + (maxMessageBytes / 1024) + 64;
        _input = [];
        _inflater = CreateInflater();
    }

    public string Name => QueryValue;

    private static ReadOnlySpan<byte> SyncFlushSuffix => [0x00, 0x00, 0xFF, 0xFF];

    public DecompressResult Decompress(ReadOnlySpan<byte> wsMessage, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new GatewayDecompressionException("The zlib context failed earlier; Reset() it before reuse.");
        }

        Append(wsMessage);

        // The suffix is checked on the buffered bytes, so it is found even when it is itself split.
        if (!_input.AsSpan(0, _inputLength).EndsWith(SyncFlushSuffix))
        {
            return DecompressResult.Incomplete;
        }

        try
        {
            Inflate(output);
            return DecompressResult.Complete;
        }
        catch (InvalidDataException ex)
        {
            _faulted = true;
            throw new GatewayDecompressionException("The zlib-stream data is corrupt.", ex);
        }
        catch (GatewayDecompressionException)
        {
            _faulted = true;
            throw;
        }
        finally
        {
            // The input is rented per message and given back once inflated: an idle connection keeps only
            // the inflater (its state and 32 KiB window), which the stream needs.
            _inputLength = 0;
            _feed.SetInput([], 0);
            ReturnInput();
        }
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _inflater.Dispose();
        _inflater = CreateInflater();
        _inputLength = 0;
        _faulted = false;
        ReturnInput();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _inflater.Dispose();
        ReturnInput();
    }

    private void ReturnInput()
    {
        if (_input.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = [];
        }
    }

    private ZLibStream CreateInflater() => new(_feed, CompressionMode.Decompress, leaveOpen: true);

    private void Append(ReadOnlySpan<byte> wsMessage)
    {
        var required = (long)_inputLength + wsMessage.Length;
        if (required > _maxCompressedBytes)
        {
            _faulted = true;
            _inputLength = 0;
            throw new GatewayDecompressionException(
                $"A compressed gateway message exceeded {_maxCompressedBytes} bytes without a sync-flush suffix "
                + "(GatewayOptions.MaxDecompressedMessageBytes).");
        }

        if (required > _input.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Max(required, Math.Max(InitialInputBytes, (long)_input.Length * 2)));
            _input.AsSpan(0, _inputLength).CopyTo(grown);
            ReturnInput();
            _input = grown;
        }

        wsMessage.CopyTo(_input.AsSpan(_inputLength));
        _inputLength += wsMessage.Length;
    }

    private void Inflate(IBufferWriter<byte> output)
    {
        _feed.SetInput(_input, _inputLength);
        long written = 0;
        while (true)
        {
            var span = DecompressionBudget.GetOutputSpan(output, written, _maxMessageBytes);
            var read = _inflater.Read(span);
            if (read == 0)
            {
                break;
            }

            output.Advance(read);
            written += read;
            DecompressionBudget.EnsureWithinCap(written, _maxMessageBytes);
        }

        if (written == 0)
        {
            // A gateway message is never empty: the zlib stream has ended or the data is not deflate.
            throw new GatewayDecompressionException("A zlib-stream message decompressed to nothing.");
        }
    }

    /// <summary>A read-only stream over the buffered message; it reports end of data when the message is used up.</summary>
    private sealed class InputFeedStream : Stream
    {
        private byte[] _buffer = [];
        private int _length;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void SetInput(byte[] buffer, int length)
        {
            _buffer = buffer;
            _length = length;
            _position = 0;
        }

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, _length - _position);
            _buffer.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
