using Sharder.Grains.Coordination;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

internal static class IdentifySchedulerExtensions
{
    /// <summary>
    /// Asks for slots for several shards the way a cold start does: in increasing shard order, each shard
    /// once. Answers are in shard order.
    /// </summary>
    public static IReadOnlyList<IdentifyGrant> RequestMany(this IdentifyScheduler scheduler, IEnumerable<int> shardIds, int shardCount)
        => [.. shardIds.Distinct().Order().Select(shardId => scheduler.Request(shardId, shardCount))];
}
