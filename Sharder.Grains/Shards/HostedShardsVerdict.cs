namespace Sharder.Grains.Shards;

/// <summary>The outcome of <see cref="HostedShardsHealth.Evaluate"/>.</summary>
/// <param name="Hosted">Shards running in this silo.</param>
/// <param name="Active">Of those, shards with a live session.</param>
/// <param name="Problems">One line per shard that needs a look; empty when all is well.</param>
public sealed record HostedShardsVerdict(int Hosted, int Active, IReadOnlyList<string> Problems)
{
    /// <summary>True when no shard needs a look.</summary>
    public bool IsHealthy => Problems.Count == 0;
}
