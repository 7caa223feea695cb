namespace Sharder.Simulator.Tests.RawClient;

/// <summary>A read side that returns what was pushed so far and 0 when it runs dry, so a streaming
/// decompressor can keep one context across many WebSocket messages.</summary>
internal sealed class FeedStream : Stream
{
    private readonly Queue<byte[]> _chunks = new();
    private byte[]? _current;
    private int _offset;

    public void Push(ReadOnlySpan<byte> data) => _chunks.Enqueue(data.ToArray());

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_current is null || _offset == _current.Length)
        {
            if (!_chunks.TryDequeue(out _current)) return 0;
            _offset = 0;
        }

        var n = Math.Min(count, _current.Length - _offset);
        Array.Copy(_current, _offset, buffer, offset, n);
        _offset += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
