namespace Sharder.Simulator.Tests.Compression;

/// <summary>
/// A read-side stream that returns 0 when it has nothing queued and continues once more bytes are
/// pushed, like a WebSocket client feeding a long-lived inflater one message at a time.
/// </summary>
internal sealed class FeedStream : Stream
{
    private readonly Queue<byte[]> _chunks = new();
    private int _offsetInHead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void Push(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            _chunks.Enqueue(data.ToArray());
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length && _chunks.TryPeek(out var head))
        {
            var take = Math.Min(buffer.Length - read, head.Length - _offsetInHead);
            head.AsSpan(_offsetInHead, take).CopyTo(buffer[read..]);
            read += take;
            _offsetInHead += take;
            if (_offsetInHead == head.Length)
            {
                _chunks.Dequeue();
                _offsetInHead = 0;
            }
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
