namespace Sharder.Simulator.Net;

/// <summary>
/// The stream a WebSocket runs on. It first replays bytes that were read past the end of the HTTP
/// request head, and it serializes writes so a raw frame written by <see cref="RawFrameWriter"/>
/// never interleaves byte-wise with a control frame (pong) written by the WebSocket itself. Both
/// writers issue one write per frame, so frames stay whole.
/// </summary>
internal sealed class ConnectionStream : Stream
{
    private readonly Stream _inner;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private ReadOnlyMemory<byte> _prefix;

    public ConnectionStream(Stream inner, ReadOnlyMemory<byte> prefix)
    {
        _inner = inner;
        _prefix = prefix;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (TryReadPrefix(buffer, out var copied))
        {
            return copied;
        }

        return _inner.Read(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryReadPrefix(buffer.Span, out var copied))
        {
            return ValueTask.FromResult(copied);
        }

        return _inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _writeLock.Wait();
        try
        {
            _inner.Write(buffer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool TryReadPrefix(Span<byte> destination, out int copied)
    {
        copied = 0;
        if (_prefix.IsEmpty || destination.IsEmpty)
        {
            return false;
        }

        copied = Math.Min(destination.Length, _prefix.Length);
        _prefix.Span[..copied].CopyTo(destination);
        _prefix = _prefix[copied..];
        return true;
    }
}
