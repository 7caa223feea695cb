using System.Collections.Concurrent;
using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>
/// An identify gate that lets every shard through at once and counts how often it was asked. It hands out the
/// <see cref="Script"/>ed permits first, then permits that never run out; permits handed back are in <see cref="Missed"/>.
/// </summary>
internal sealed class CountingIdentifyGate : IIdentifyGate
{
    private readonly ConcurrentQueue<IdentifyPermit> _scripted = new();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<IdentifyPermit> Missed { get; } = new();

    /// <summary>Permits whose Identify the shard reported as ended without READY.</summary>
    public ConcurrentQueue<IdentifyPermit> Failed { get; } = new();

    /// <summary>When set, <see cref="ReportIdentifyFailedAsync"/> throws it (after recording), as a remote gate might.</summary>
    public Exception? ReportFailure { get; set; }

    public void Script(IdentifyPermit permit) => _scripted.Enqueue(permit);

    public ValueTask ReportIdentifyFailedAsync(IdentifyPermit permit, CancellationToken cancellationToken)
    {
        Failed.Enqueue(permit);
        return ReportFailure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }

    public ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (missed is { } handedBack)
        {
            Missed.Enqueue(handedBack);
        }

        return ValueTask.FromResult(
            _scripted.TryDequeue(out var permit) ? permit : new IdentifyPermit(shardId, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue));
    }
}
