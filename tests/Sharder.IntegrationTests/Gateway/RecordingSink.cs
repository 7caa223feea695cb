using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Simulator.Ledger;
using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// The shared sink of a scenario: records every accepted dispatch in acceptance order as a
/// <see cref="SinkRecord"/> for the simulator's ledger, and can be told to refuse (throw) or to hold
/// calls until released, to play a slow or unavailable downstream. Thread-safe.
/// </summary>
internal sealed class RecordingSink
{
    private readonly Lock _lock = new();
    private readonly List<PublishedDispatch> _published = [];
    private readonly List<SessionStart> _sessionStarts = [];
    private TaskCompletionSource _open = CreateOpenGate();
    private volatile bool _refusing;
    private int _refusals;

    /// <summary>While true every call throws, as an unreachable downstream would.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Calls refused so far.</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    /// <summary>Dispatches accepted so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _published.Count;
            }
        }
    }

    public IReadOnlyList<PublishedDispatch> Published
    {
        get
        {
            lock (_lock)
            {
                return [.. _published];
            }
        }
    }

    public IReadOnlyList<SinkRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _published.Select(p => p.Record)];
            }
        }
    }

    public IReadOnlyList<SessionStart> SessionStarts
    {
        get
        {
            lock (_lock)
            {
                return [.. _sessionStarts];
            }
        }
    }

    /// <summary>Distinct MESSAGE_CREATE events accepted (a replayed duplicate counts once; the ledger reports duplicates).</summary>
    public int MessageCount
    {
        get
        {
            lock (_lock)
            {
                return _published
                    .Where(p => p.Record.Type == "MESSAGE_CREATE")
                    .Select(p => (p.Record.SessionId, p.Record.Seq))
                    .Distinct()
                    .Count();
            }
        }
    }

    /// <summary>Dispatches of <paramref name="type"/> accepted so far.</summary>
    public IReadOnlyList<PublishedDispatch> OfType(string type)
    {
        lock (_lock)
        {
            return [.. _published.Where(p => p.Record.Type == type)];
        }
    }

    /// <summary>Makes every later call wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>The sink seam for one shard's connection: dispatches carry no shard id, the sink they go to does.</summary>
    public IDispatchSink ForShard(int shardId) => new ShardView(this, shardId);

    private async ValueTask DeliverAsync(int shardId, ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken)
    {
        var dispatches = batch.ToArray(); // the batch memory is only the sink's for the call
        await PassAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var dispatch in dispatches)
            {
                var record = new SinkRecord(shardId, dispatch.SessionId, dispatch.Sequence, dispatch.EventType, null);
                _published.Add(new PublishedDispatch(record, dispatch.Payload));
            }
        }
    }

    private async ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        lock (_lock)
        {
            _sessionStarts.Add(start);
        }
    }

    /// <summary>The whole frame of a published dispatch, as text.</summary>
    public static string Text(PublishedDispatch dispatch) => Encoding.UTF8.GetString(dispatch.Payload.Span);

    private static TaskCompletionSource CreateOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async ValueTask PassAsync(CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            gate = _open.Task;
        }

        await gate.WaitAsync(cancellationToken);
        if (_refusing)
        {
            Interlocked.Increment(ref _refusals);
            throw new InvalidOperationException("The test sink is refusing deliveries (simulated outage).");
        }
    }

    private sealed class ShardView(RecordingSink sink, int shardId) : IDispatchSink
    {
        public ValueTask DeliverAsync(ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken)
            => sink.DeliverAsync(shardId, batch, cancellationToken);

        public ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
            => sink.OnSessionStartedAsync(start, cancellationToken);
    }
}
