namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>The part of a silo's <c>/status</c> JSON the tests read.</summary>
internal sealed record ClusterStatusResponse(int ShardTotal, IReadOnlyList<string> ActiveSilos, IReadOnlyList<ShardPlacement> Shards)
{
    /// <summary>Every configured shard reports a connection state of Active on one of <paramref name="silos"/>.</summary>
    public bool AllActiveOn(IEnumerable<SiloProcess> silos)
    {
        var ports = silos.Select(s => s.Ports.Silo).ToHashSet();
        return Shards.Count == ShardTotal && ShardTotal > 0
            && Shards.All(s => s.State == "Active" && s.SiloPort is { } port && ports.Contains(port));
    }

    public IReadOnlyList<ShardPlacement> On(SiloProcess silo) => [.. Shards.Where(s => s.SiloPort == silo.Ports.Silo)];
}
