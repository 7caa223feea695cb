using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// Keeps every shard of the generation in service running and spread over the active silos (a singleton,
/// key 0), and owns resharding runs. Its state lives in Redis (<c>{prefix}:sharding</c>) and in the shards.
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

    /// <summary>
    /// Starts a resharding run to <paramref name="total"/> shards (docs/resharding.md), or refuses with nothing
    /// changed: budget, a run already active, a cluster that runs only part of the bot, an invalid total.
    /// </summary>
    /// <param name="total">The new shard total.</param>
    /// <param name="reason">Why (admin, configuration, auto), recorded with the run.</param>
    Task<ReshardStartResult> StartReshardAsync(int total, string reason);

    /// <summary>The current resharding run, or the last one; null when none ever ran.</summary>
    Task<ReshardRun?> GetReshardAsync();

    /// <summary>
    /// Rolls back the active run if it has not fixed its cut-over yet (the old generation stays in service).
    /// Returns the run as it is afterwards: rolled back, or still switching/completed when too late; null when none ran.
    /// </summary>
    Task<ReshardRun?> CancelReshardAsync();

    /// <summary>A shard was closed with 4011 (sharding required): with <c>Reshard:Auto</c>, reads <c>/gateway/bot</c> and reshards to its recommendation.</summary>
    Task ReportShardingRequiredAsync(int shardId);
}
