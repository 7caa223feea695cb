using Sharder.Simulator.Ledger;
using Sharder.TestKit;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>Conditions the cluster tests await (never sleeps).</summary>
internal static class ClusterWaits
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until every event the simulator sent is in Redis exactly once; returns the final report.</summary>
    public static async Task<InvariantReport> AllPublishedAsync(ShardCluster cluster, string because)
    {
        InvariantReport? report = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    report = cluster.Simulator.Check(await cluster.PublishedAsync());
                    return report.Ok && report.RoutedNeverSent == 0;
                },
                Timeout,
                because);
        }
        catch (TimeoutException ex)
        {
            var violations = string.Join(Environment.NewLine, report?.Violations.Take(10) ?? []);
            throw new TimeoutException($"{ex.Message} Last report: {report}{Environment.NewLine}{violations}", ex);
        }

        return report!;
    }

    /// <summary>Waits until every shard's connection is Active on one of <paramref name="silos"/>.</summary>
    public static Task AllActiveOnAsync(ShardCluster cluster, IReadOnlyCollection<SiloAddress> silos, string because)
        => Eventually.TrueAsync(
            async () =>
            {
                var shards = await cluster.ShardStatusesAsync();
                return shards.Count > 0 && shards.All(s => s.ConnectionState == "Active" && silos.Contains(s.Silo));
            },
            Timeout,
            because);
}
