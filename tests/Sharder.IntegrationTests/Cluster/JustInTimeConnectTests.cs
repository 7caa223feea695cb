using System.Diagnostics;
using System.Globalization;
using Sharder.Simulator.Gateway;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Just-in-time connect in a cluster: a cold start of 32 shards with max_concurrency 4 opens each socket
/// within the connect lead of its identify slot, so the simulator never holds more than about one bucket
/// of sockets that have not identified yet, rather than all 32 at once.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class JustInTimeConnectTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan s_samplePeriod = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task A_cold_start_opens_each_socket_only_shortly_before_its_identify_slot()
    {
        const int Shards = 32;
        const int MaxConcurrency = 4;
        var window = TimeSpan.FromMilliseconds(500);
        var lead = TimeSpan.FromMilliseconds(400);
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            MaxConcurrency = MaxConcurrency,
            IdentifyWindow = window,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
            Settings = new Dictionary<string, string?>
            {
                ["Gateway:IdentifyConnectLead"] = lead.ToString("c", CultureInfo.InvariantCulture),
            },
        });

        using var sampling = new CancellationTokenSource();
        var peaks = SamplePeaksAsync(cluster, sampling.Token);
        var stopwatch = Stopwatch.StartNew();
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);
        var elapsed = stopwatch.Elapsed;
        await sampling.CancelAsync();
        var (peakOpen, peakUnidentified, peakExcess) = await peaks;

        var report = await ClusterWaits.AllPublishedAsync(cluster, "the READY and GUILD_CREATE events are in Redis");
        output.WriteLine($"{Shards} shards, max_concurrency {MaxConcurrency}, simulator window {window.TotalMilliseconds} ms, "
            + $"coordinator window {(window + ShardCluster.IdentifySafetyMargin).TotalMilliseconds} ms, connect lead {lead.TotalMilliseconds} ms: "
            + $"all READY after {elapsed.TotalSeconds:0.00} s");
        output.WriteLine($"peak open sockets {peakOpen}; peak sockets not identified yet {peakUnidentified}; "
            + $"peak of open minus identified sessions {peakExcess}");
        output.WriteLine(report.ToString());

        report.AssertOk();
        Assert.Equal(0, report.IdentifyViolations);
        Assert.Equal(Shards, report.Identifies);
        // Buckets are a coordinator window (1.5 s) apart and the lead is 0.4 s, so one bucket at a time is
        // ahead of its slot; a second bucket is allowed for an Identify still waiting for its READY.
        Assert.InRange(peakUnidentified, 1, 2 * MaxConcurrency);
        Assert.InRange(peakExcess, 0, 2 * MaxConcurrency);
    }

    [Fact]
    public async Task With_a_lead_as_long_as_the_start_every_shard_opens_its_socket_at_once()
    {
        // The control for the test above: the same start with a lead as long as the whole start (8 buckets
        // 1.5 s apart) connects as before just-in-time connect, so the sampling does see sockets that wait.
        const int Shards = 32;
        const int MaxConcurrency = 4;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 2,
            Shards = Shards,
            MaxConcurrency = MaxConcurrency,
            IdentifyWindow = TimeSpan.FromMilliseconds(500),
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
            Settings = new Dictionary<string, string?> { ["Gateway:IdentifyConnectLead"] = "00:00:12" },
        });

        using var sampling = new CancellationTokenSource();
        var peaks = SamplePeaksAsync(cluster, sampling.Token);
        await cluster.Supervisor.EnsureShardsAsync();
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, ClusterWaits.Timeout);
        await sampling.CancelAsync();
        var (peakOpen, peakUnidentified, _) = await peaks;
        output.WriteLine($"lead 12 s: peak open sockets {peakOpen}; peak sockets not identified yet {peakUnidentified}");

        var report = await ClusterWaits.AllPublishedAsync(cluster, "the READY and GUILD_CREATE events are in Redis");
        Assert.Equal(0, report.IdentifyViolations);
        Assert.True(peakUnidentified > 2 * MaxConcurrency, $"{peakUnidentified} sockets waited for their slot at once");
    }

    /// <summary>Polls the simulator's open connections until cancelled; returns the peaks seen.</summary>
    private static async Task<(int Open, int Unidentified, int Excess)> SamplePeaksAsync(ShardCluster cluster, CancellationToken cancellationToken)
    {
        int open = 0, unidentified = 0, excess = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var connections = cluster.Simulator.Connections();
            var waiting = connections.Count(c => c.State == ConnectionState.AwaitingAuth);
            var identified = connections.Count(c => c.State is ConnectionState.Identified or ConnectionState.Resumed);
            open = Math.Max(open, connections.Count);
            unidentified = Math.Max(unidentified, waiting);
            excess = Math.Max(excess, connections.Count - identified);
            try
            {
                await Task.Delay(s_samplePeriod, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (open, unidentified, excess);
    }
}
