using System.Buffers;

namespace Sharder.Grains.Sink;

/// <summary>
/// The bytes of one batch's envelopes, in an array rented from <see cref="ArrayPool{T}.Shared"/>. The script
/// call's arguments are slices of it, so it may go back to the pool only once Redis answered that call: the
/// request was written by then. After a timeout or a lost connection the request may still sit in the
/// client's queue, so the array is left to the garbage collector instead (<see cref="Return"/> not called).
/// </summary>
internal sealed class PooledBatchBuffer : IBufferWriter<byte>
{
    private const int MinimumSize = 256;

    private byte[] _buffer;
    private int _written;

    public PooledBatchBuffer(int sizeHint) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, MinimumSize));

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Gives the array back to the pool. Call only after Redis answered the call that carried it.</summary>
    public void Return()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
