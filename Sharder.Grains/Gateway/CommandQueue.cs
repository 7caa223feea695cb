using System.Threading.Channels;

namespace Sharder.Grains.Gateway;

/// <summary>
/// One shard's outbound commands (toward Discord), in order: a bounded queue, the command its sender holds
/// between sessions, and, once closed, the enqueued commands that were never sent. Any thread enqueues; only
/// the sender of the current connection takes (<see cref="TakeAsync"/>, <see cref="Release"/>); closing happens
/// once, after the last sender ended.
/// </summary>
internal sealed class CommandQueue
{
    private readonly Channel<OutboundCommand> _queue;
    private readonly Lock _lock = new();

    // Only the sender of the current connection touches it: the command it took but could not send yet.
    private OutboundCommand? _held;

    // Guarded by _lock: enqueued commands the shard stopped before sending, in queue order.
    private List<ReadOnlyMemory<byte>>? _unsent;

    /// <param name="capacity">Commands waiting at most; <see cref="WriteAsync"/> waits and <see cref="TryWrite"/> refuses beyond it.</param>
    public CommandQueue(int capacity)
    {
        _queue = Channel.CreateBounded<OutboundCommand>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Whether the queue was closed (the shard's run ended or is ending).</summary>
    public bool IsClosed => _queue.Reader.Completion.IsCompleted;

    /// <summary>Queues without waiting; false when the queue is full or closed.</summary>
    public bool TryWrite(OutboundCommand command) => _queue.Writer.TryWrite(command);

    /// <summary>Queues, waiting for room.</summary>
    /// <exception cref="ChannelClosedException">The queue was closed.</exception>
    public ValueTask WriteAsync(OutboundCommand command, CancellationToken cancellationToken)
        => _queue.Writer.WriteAsync(command, cancellationToken);

    /// <summary>
    /// The command to send next: the one held since the last session, or the next queued one, which is then held
    /// until <see cref="Release"/>. Null once the queue is closed and empty.
    /// </summary>
    public async ValueTask<OutboundCommand?> TakeAsync(CancellationToken cancellationToken)
    {
        while (_held is null)
        {
            if (!await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (_queue.Reader.TryRead(out var command))
            {
                _held = command;
            }
        }

        return _held;
    }

    /// <summary>The held command was sent, failed or abandoned: it is not offered again.</summary>
    public void Release() => _held = null;

    /// <summary>Closes the queue: awaited commands fail with <paramref name="error"/>, enqueued ones are kept for <see cref="TakeUnsent"/>.</summary>
    public void Close(Exception error)
    {
        _queue.Writer.TryComplete();
        var unsent = new List<ReadOnlyMemory<byte>>();
        if (_held is { } held)
        {
            KeepOrFail(held);
        }

        _held = null;
        while (_queue.Reader.TryRead(out var command))
        {
            KeepOrFail(command);
        }

        lock (_lock)
        {
            _unsent = [.. _unsent ?? [], .. unsent];
        }

        void KeepOrFail(OutboundCommand command)
        {
            if (command.IsAwaited)
            {
                command.Fail(error);
            }
            else
            {
                unsent.Add(command.Payload);
            }
        }
    }

    /// <summary>The enqueued commands never sent, oldest first, once closed; empty before that and on later calls.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TakeUnsent()
    {
        lock (_lock)
        {
            var unsent = _unsent ?? [];
            _unsent = [];
            return unsent;
        }
    }
}
