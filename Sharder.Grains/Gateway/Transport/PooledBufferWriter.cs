using System.Buffers;

namespace Sharder.Grains.Gateway.Transport;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array rented from <see cref="ArrayPool{T}.Shared"/>,
/// reused message after message: <see cref="Clear"/> keeps the array unless one huge message grew it
/// past <see cref="RetainLimitBytes"/>, so a single multi-megabyte READY is not held for the connection's life.
/// Not thread-safe.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    internal const int DefaultInitialBytes = 32 * 1024;
    internal const int RetainLimitBytes = 1024 * 1024;

    private readonly int _initialBytes;
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialBytes = DefaultInitialBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialBytes);
        _initialBytes = initialBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBytes);
    }

    public int WrittenCount => _written;

    public int Capacity => _buffer.Length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException($"Cannot advance {count} bytes past the {_buffer.Length - _written} bytes available.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets the written bytes (without zeroing them) so the array can take the next message.</summary>
    public void Clear()
    {
        _written = 0;
        if (_buffer.Length > RetainLimitBytes)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(_initialBytes);
        }
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _written = 0;
    }

    private void EnsureFree(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var required = (long)_written + needed;
        var size = (int)Math.Min(Math.Max(required, (long)_buffer.Length * 2), Array.MaxLength);
        if (size < required)
        {
            throw new InsufficientMemoryException($"A message of more than {Array.MaxLength} bytes cannot be buffered.");
        }

        var grown = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
