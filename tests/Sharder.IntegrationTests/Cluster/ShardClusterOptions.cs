namespace Sharder.IntegrationTests.Cluster;

/// <summary>What a <see cref="ShardCluster"/> runs: silos, shards and the simulated Discord's limits.</summary>
internal sealed class ShardClusterOptions
{
    public int Silos { get; init; } = 3;

    public int Shards { get; init; } = 6;

    /// <summary>Discord's <c>max_concurrency</c> (the simulator's and, through /gateway/bot, the coordinator's).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Spacing between identifies on one rate-limit key; Discord's is 5 s, tests use less.</summary>
    public TimeSpan IdentifyWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether membership changes start the shards; false leaves it to the test's EnsureShardsAsync.</summary>
    public bool StartShardsOnMembership { get; init; } = true;

    /// <summary>Whether a joining silo triggers a rebalance.</summary>
    public bool RebalanceOnJoin { get; init; } = true;
}
