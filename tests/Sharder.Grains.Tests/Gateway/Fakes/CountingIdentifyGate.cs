using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>An identify gate that lets every shard through at once and counts how often it was asked.</summary>
internal sealed class CountingIdentifyGate : IIdentifyGate
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<IdentifyPermit> AcquireAsync(int shardId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(new IdentifyPermit(shardId, 0, DateTimeOffset.UnixEpoch));
    }
}
