using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>An <see cref="IDispatchSink"/> that records what it accepted and can be blocked or made to fail.</summary>
internal sealed class RecordingSink : IDispatchSink
{
    private readonly Lock _lock = new();
    private readonly List<DeliveredEvent> _delivered = [];
    private readonly List<SessionStart> _sessions = [];
    private readonly List<int> _batchSizes = [];
    private TaskCompletionSource? _gate;
    private int _failuresLeft;
    private int _calls;
    private int _waitingCalls;
    private int _heldEvents;

    public IReadOnlyList<DeliveredEvent> Delivered
    {
        get
        {
            lock (_lock)
            {
                return [.. _delivered];
            }
        }
    }

    public IReadOnlyList<SessionStart> Sessions
    {
        get
        {
            lock (_lock)
            {
                return [.. _sessions];
            }
        }
    }

    /// <summary>The size of every accepted batch, in order.</summary>
    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_lock)
            {
                return [.. _batchSizes];
            }
        }
    }

    /// <summary>Every call, failed ones included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls currently held by <see cref="Block"/>.</summary>
    public int WaitingCalls => Volatile.Read(ref _waitingCalls);

    /// <summary>Dispatches in the calls currently held by <see cref="Block"/>.</summary>
    public int HeldEvents => Volatile.Read(ref _heldEvents);

    public IReadOnlyList<long> DeliveredSequences => [.. Delivered.Select(e => e.Sequence)];

    /// <summary>Holds every call until <see cref="Release"/>.</summary>
    public void Block()
    {
        lock (_lock)
        {
            _gate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            gate = _gate;
            _gate = null;
        }

        gate?.TrySetResult();
    }

    /// <summary>Makes the next <paramref name="count"/> calls throw.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    public async ValueTask DeliverAsync(ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken)
    {
        var dispatches = batch.ToArray(); // the batch memory is only the sink's for the call
        await EnterAsync(dispatches.Length, cancellationToken);
        lock (_lock)
        {
            _batchSizes.Add(dispatches.Length);
            foreach (var dispatch in dispatches)
            {
                _delivered.Add(new DeliveredEvent(
                    dispatch.SessionId,
                    dispatch.Sequence,
                    dispatch.EventType,
                    dispatch.GuildId,
                    Encoding.UTF8.GetString(dispatch.Payload.Span),
                    Encoding.UTF8.GetString(dispatch.Data.Span)));
            }
        }
    }

    public async ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
    {
        await EnterAsync(0, cancellationToken);
        lock (_lock)
        {
            _sessions.Add(start);
        }
    }

    private async Task EnterAsync(int events, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Task? gate;
        lock (_lock)
        {
            gate = _gate?.Task;
        }

        if (gate is not null)
        {
            Interlocked.Add(ref _heldEvents, events);
            Interlocked.Increment(ref _waitingCalls);
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waitingCalls);
                Interlocked.Add(ref _heldEvents, -events);
            }
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("Scripted sink failure.");
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
    }

    internal sealed record DeliveredEvent(
        string SessionId, long Sequence, string EventType, ulong? GuildId, string Payload, string Data);
}
