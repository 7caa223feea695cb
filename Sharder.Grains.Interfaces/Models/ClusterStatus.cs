using System.Collections.Immutable;

namespace Sharder.Grains.Interfaces.Models;

/// <summary>What the supervisor sees: every configured shard and the silos that can run them.</summary>
/// <param name="ShardTotal">The bot's shard count in service.</param>
/// <param name="Shards">Each configured shard's status, by shard id.</param>
/// <param name="ActiveSilos">Silos that are Active in membership.</param>
/// <param name="LastRebalanceAt">When the last rebalance ran; null if none did.</param>
/// <param name="LastRebalanceMoves">Shards the last rebalance moved.</param>
[GenerateSerializer]
[Immutable]
public sealed record ClusterStatus(
    [property: Id(0)] int ShardTotal,
    [property: Id(1)] ImmutableArray<ShardGrainStatus> Shards,
    [property: Id(2)] ImmutableArray<SiloAddress> ActiveSilos,
    [property: Id(3)] DateTimeOffset? LastRebalanceAt,
    [property: Id(4)] int LastRebalanceMoves)
{
    /// <summary>Active silos drained by an operator: they take no shards until they leave the cluster.</summary>
    [Id(5)]
    public ImmutableArray<SiloAddress> DrainedSilos { get; init; } = [];

    /// <summary>The current or last resharding run; null when none ran. While one is active, <see cref="Shards"/> holds both generations.</summary>
    [Id(6)]
    public ReshardRun? Reshard { get; init; }
}
