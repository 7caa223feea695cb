using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// Wraps the real sink: logs every call that went through, in order, and can hold calls until released,
/// so a test can make the shard buffer a burst behind one call in flight. Thread-safe.
/// </summary>
internal sealed class GatedSink(IDispatchSink inner) : IDispatchSink
{
    private readonly Lock _lock = new();
    private readonly List<SinkCall> _calls = [];
    private TaskCompletionSource _open = OpenGate();
    private int _waitingCalls;
    private int _failedCalls;

    /// <summary>Calls that completed, in order.</summary>
    public IReadOnlyList<SinkCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Calls currently held by <see cref="Hold"/>.</summary>
    public int WaitingCalls => Volatile.Read(ref _waitingCalls);

    /// <summary>Calls the inner sink threw from.</summary>
    public int FailedCalls => Volatile.Read(ref _failedCalls);

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

    public async ValueTask DeliverAsync(ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken)
    {
        var first = batch.Span[0].Sequence;
        var last = batch.Span[^1].Sequence;
        await PassAsync(cancellationToken);
        try
        {
            await inner.DeliverAsync(batch, cancellationToken);
        }
        catch
        {
            Interlocked.Increment(ref _failedCalls);
            throw;
        }

        lock (_lock)
        {
            _calls.Add(new SinkCall(null, batch.Length, first, last));
        }
    }

    public async ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        try
        {
            await inner.OnSessionStartedAsync(start, cancellationToken);
        }
        catch
        {
            Interlocked.Increment(ref _failedCalls);
            throw;
        }

        lock (_lock)
        {
            _calls.Add(new SinkCall(start, 0, 0, 0));
        }
    }

    private static TaskCompletionSource OpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            gate = _open.Task;
        }

        if (gate.IsCompleted)
        {
            return;
        }

        Interlocked.Increment(ref _waitingCalls);
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingCalls);
        }
    }

    /// <summary>A completed call: a session start, or a batch of <c>Count</c> dispatches <c>First</c>..<c>Last</c>.</summary>
    internal sealed record SinkCall(SessionStart? Start, int Count, long First, long Last);
}
