namespace Sharder.Simulator.Compression;

/// <summary>
/// Write-only, growable in-memory sink that compressors write into. Unlike <see cref="MemoryStream"/>
/// it can drop an oversized buffer between messages, so one huge GUILD_CREATE does not pin megabytes
/// per connection for the rest of its life.
/// </summary>
internal sealed class EncoderOutputStream : Stream
{
    private const int InitialCapacity = 4 * 1024;
    private const int RetainedCapacity = 1024 * 1024;

    private byte[] _buffer = new byte[InitialCapacity];
    private int _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Forgets the written bytes; the previous <see cref="Written"/> memory must no longer be used.</summary>
    public void Reset()
    {
        if (_buffer.Length > RetainedCapacity)
        {
            _buffer = new byte[InitialCapacity];
        }

        _length = 0;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureCapacity(_length + buffer.Length);
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void EnsureCapacity(int required)
    {
        if (required <= _buffer.Length)
        {
            return;
        }

        var capacity = Math.Max(required, (int)Math.Min(Array.MaxLength, (long)_buffer.Length * 2));
        Array.Resize(ref _buffer, capacity);
    }
}
