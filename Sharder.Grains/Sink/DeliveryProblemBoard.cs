using System.Collections.Concurrent;

namespace Sharder.Grains.Sink;

/// <summary>
/// The delivery problems of the shards' Redis output in this silo, by shard: written by each shard's sink,
/// read by <see cref="HostedShardsHealth"/>. A silo-level singleton.
/// </summary>
internal sealed class DeliveryProblemBoard
{
    private readonly ConcurrentDictionary<int, DeliveryProblem> _problems = new();

    public void Report(int shardId, DeliveryProblem? problem)
    {
        if (problem is null)
        {
            _problems.TryRemove(shardId, out _);
        }
        else
        {
            _problems[shardId] = problem;
        }
    }

    public DeliveryProblem? Get(int shardId) => _problems.TryGetValue(shardId, out var problem) ? problem : null;
}
