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

    /// <summary>The simulated app's daily session-start budget (Discord's <c>session_start_limit.total</c>).</summary>
    public int DailyIdentifyTotal { get; init; } = 1_000;

    /// <summary>Prefix of the Redis output and command keys; null gives every cluster its own.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>Further silo configuration (e.g. <c>Gateway:SinkBufferLimit</c>); overrides the cluster's own settings.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}
