using System.Buffers;

namespace Sharder.Grains.Gateway.Transport;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array rented from <see cref="ArrayPool{T}.Shared"/> on first
/// use, reused message after message: <see cref="Clear"/> keeps the array unless one huge message grew it
/// past <see cref="RetainLimitBytes"/>, so a single multi-megabyte READY is not held for the connection's life.
/// <see cref="Release"/> gives the array back between messages, so an idle connection holds none (the next
/// write rents again; the pool's per-core cache makes that cheap). Not thread-safe.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    internal const int DefaultInitialBytes = 32 * 1024;
    internal const int RetainLimitBytes = 1024 * 1024;

    private readonly int _initialBytes;
    private byte[] _buffer = [];
    private int _written;
    private bool _disposed;

    public PooledBufferWriter(int initialBytes = DefaultInitialBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialBytes);
        _initialBytes = initialBytes;
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
            Release();
        }
    }

    /// <summary>Forgets the written bytes and gives the array back to the pool; the next write rents one again.</summary>
    public void Release()
    {
        _written = 0;
        if (_buffer.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    public void Dispose()
    {
        _disposed = true;
        Release();
    }

    private void EnsureFree(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _initialBytes));
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
