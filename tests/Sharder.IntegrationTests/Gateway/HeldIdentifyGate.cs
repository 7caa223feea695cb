using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// The in-process <see cref="LocalIdentifyGate"/> with a hold: while held, shards wait before even queueing for
/// a permit, so a test can keep a shard sessionless for as long as it needs (e.g. to produce events that
/// Discord cannot deliver) and release it at a known point. Counts permits granted.
/// </summary>
internal sealed class HeldIdentifyGate : IIdentifyGate, IDisposable
{
    private readonly LocalIdentifyGate _inner;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _hold;
    private int _waiting;
    private int _granted;
    private int _handedBack;

    public HeldIdentifyGate(int maxConcurrency, TimeSpan window, TimeSpan grace)
    {
        _inner = new LocalIdentifyGate(maxConcurrency, TimeProvider.System, window, grace);
    }

    /// <summary>Shards waiting at the hold.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Identify permits handed out.</summary>
    public int Granted => Volatile.Read(ref _granted);

    /// <summary>Permits a shard handed back unused (its socket was not ready by the permit's end), each followed by a new grant.</summary>
    public int HandedBack => Volatile.Read(ref _handedBack);

    public void Hold()
    {
        lock (_lock)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? hold;
        lock (_lock)
        {
            hold = _hold;
            _hold = null;
        }

        hold?.TrySetResult();
    }

    public ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, CancellationToken cancellationToken)
        => AcquireAsync(shardId, missed, TimeSpan.Zero, cancellationToken);

    public async ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, TimeSpan lead, CancellationToken cancellationToken)
    {
        Task? hold;
        lock (_lock)
        {
            hold = _hold?.Task;
        }

        if (hold is not null)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await hold.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        if (missed is not null)
        {
            Interlocked.Increment(ref _handedBack);
        }

        var permit = await _inner.AcquireAsync(shardId, missed, lead, cancellationToken);
        Interlocked.Increment(ref _granted);
        return permit;
    }

    public void Dispose()
    {
        Release();
        _inner.Dispose();
    }
}
