using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// Keeps every configured shard running and spread over the active silos (a singleton, key 0). Holds no
/// state that matters: the shard list comes from configuration, the placement from the shards themselves.
/// </summary>
public interface IShardSupervisorGrain : IGrainWithIntegerKey
{
    /// <summary>The singleton's key.</summary>
    const long SingletonKey = 0;

    /// <summary>Activates every configured shard that is not active, in increasing shard order.</summary>
    Task EnsureShardsAsync();

    /// <summary>Moves shards so that active silos differ by at most one shard.</summary>
    Task RebalanceAsync();

    /// <summary>Every shard's status and the active silos.</summary>
    Task<ClusterStatus> GetStatusAsync();

    /// <summary>
    /// Migrates one shard, with its session, to <paramref name="target"/>, or when null to the least loaded
    /// Active, undrained silo other than its own. Returns at once; the shard resumes on the target shortly after.
    /// </summary>
    Task<ShardMoveResult> MoveShardAsync(int shardId, SiloAddress? target);

    /// <summary>
    /// Marks <paramref name="silo"/> drained (no shard is placed there any more) and migrates every shard it runs
    /// to the other silos. Idempotent; the mark ends when the silo leaves the cluster.
    /// </summary>
    Task<SiloDrainResult> DrainSiloAsync(SiloAddress silo);
}
