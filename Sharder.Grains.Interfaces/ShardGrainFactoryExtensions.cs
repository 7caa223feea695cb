using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>Reaching a shard grain by its identity rather than by a raw key.</summary>
public static class ShardGrainFactoryExtensions
{
    /// <summary>The grain of <paramref name="shard"/> (id and total).</summary>
    public static IShardGrain GetShard(this IGrainFactory grainFactory, ShardRef shard)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<IShardGrain>(shard.GrainKey);
    }
}
