using System.Threading.Channels;

namespace Sharder.Grains.Gateway;

/// <summary>
/// The bounded FIFO between a connection's read loop (one writer) and its delivery loop (one reader), which
/// gives its memory back once a burst has drained.
/// </summary>
/// <remarks>
/// A bounded <see cref="Channel{T}"/> keeps its items in an array that grows with the most items it ever held
/// and never shrinks. A shard's READY burst (one GUILD_CREATE per guild, up to 2,500) or a Redis stall
/// (up to <see cref="GatewayOptions.SinkBufferLimit"/>) would leave every connection holding up to 4,096
/// slots of about 100 bytes for the rest of its life, idle or not. So when the reader takes the last item
/// after the buffer held more than <see cref="KeptItems"/>, the drained channel is replaced by a new one.
/// Only the reader replaces it (in <see cref="TryRead"/>), so the reader never waits on a stale channel; a
/// writer waiting for room on the old one was already released, since the old one is empty.
/// </remarks>
internal sealed class SinkBuffer
{
    /// <summary>A burst of at most this many items keeps its channel (its array: at most 32 slots).</summary>
    internal const int KeptItems = 32;

    private readonly int _limit;
    private readonly Lock _lock = new();
    private Channel<SinkItem> _channel;
    private int _count;
    private int _mostHeld;
    private bool _completed;

    public SinkBuffer(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        _channel = Create(limit);
    }

    /// <summary>Items buffered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>How many times a drained channel was replaced (tests and diagnostics).</summary>
    internal int Renewals { get; private set; }

    /// <summary>Buffers <paramref name="item"/>; false when the buffer is full or completed.</summary>
    public bool TryWrite(SinkItem item)
    {
        lock (_lock)
        {
            if (!_channel.Writer.TryWrite(item))
            {
                return false;
            }

            _count++;
            _mostHeld = Math.Max(_mostHeld, _count);
            return true;
        }
    }

    /// <summary>Takes the oldest item. Reader only.</summary>
    public bool TryRead(out SinkItem item)
    {
        lock (_lock)
        {
            if (!_channel.Reader.TryRead(out item))
            {
                return false;
            }

            _count--;
            if (_mostHeld > KeptItems && _count == 0 && !_completed)
            {
                _channel = Create(_limit);
                _mostHeld = 0;
                Renewals++;
            }

            return true;
        }
    }

    /// <summary>Looks at the oldest item without taking it. Reader only.</summary>
    public bool TryPeek(out SinkItem item)
    {
        lock (_lock)
        {
            return _channel.Reader.TryPeek(out item);
        }
    }

    /// <summary>True once an item is buffered; false when the buffer is completed and empty. Reader only.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        // The reader is the only one that replaces the channel, so the one read here stays current while it waits.
        Channel<SinkItem> channel;
        lock (_lock)
        {
            channel = _channel;
        }

        return channel.Reader.WaitToReadAsync(cancellationToken);
    }

    /// <summary>True once there is room for an item; false when the buffer is completed. Writer only.</summary>
    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        Channel<SinkItem> channel;
        lock (_lock)
        {
            channel = _channel;
        }

        // Waiting on a channel the reader replaced meanwhile is harmless: it was replaced empty, so it has room.
        return channel.Writer.WaitToWriteAsync(cancellationToken);
    }

    /// <summary>No more items: the reader takes what is buffered, then <see cref="WaitToReadAsync"/> returns false.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            _channel.Writer.TryComplete();
        }
    }

    private static Channel<SinkItem> Create(int limit) => Channel.CreateBounded<SinkItem>(new BoundedChannelOptions(limit)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
}
