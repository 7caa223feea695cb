using System.Diagnostics;
using System.Globalization;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Scale on paper, checked where it can be (issue 9 item 9): thousands of shard grains in a three-silo
/// TestCluster, started by the supervisor and identified through the coordinator, against an
/// <see cref="InMemoryGateway"/> so no socket is opened. Prints the time to activate every shard, the spread
/// over the silos, the coordinator's grants per second against the ideal, the time to schedule every
/// Identify, and the managed memory per shard. docs/scaling.md uses the figures.
/// </summary>
/// <remarks>
/// The 1,000- and 10,000-shard runs are in the Long category:
/// <c>dotnet test tests/Sharder.IntegrationTests -c Release --filter "FullyQualifiedName~FleetScaleTests" --logger "console;verbosity=detailed"</c>.
/// </remarks>
[Collection(RedisServerFixture.CollectionName)]
public sealed class FleetScaleTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Silos = 3;
    private const int MaxConcurrency = 16;

    // Shrunk from Discord's 5 s so ceil(N / 16) windows fit a test: 1,000 shards take 63 windows (25 s),
    // 10,000 take 625 (250 s), i.e. 40 grants/s where production's 5.3 s asks 3/s. The grace is production's:
    // a shard must have its grant's answer and be awake within it after the slot, or it hands the slot back
    // and queues again. Identifies on one key are then at least window - grace apart when the shard checks
    // its permit; the gateway notes them at the transport a little later, and a stalled test process can
    // widen that, so the spacing is checked against window - grace - 50 ms (the Discord window this test plays).
    private static readonly TimeSpan s_window = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan s_grace = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan s_discordWindow = s_window - s_grace - TimeSpan.FromMilliseconds(50);

    /// <summary>Small enough for every CI run (ten windows).</summary>
    [Fact]
    public Task A_hundred_and_sixty_shards_on_three_silos_activate_spread_and_identify_at_the_coordinators_pace()
        => RunAsync(shards: 160);

    [Fact]
    [Trait("Category", "Long")]
    public Task A_thousand_shards_on_three_silos_activate_spread_and_identify_at_the_coordinators_pace()
        => RunAsync(shards: 1_000);

    [Fact]
    [Trait("Category", "Long")]
    public Task Ten_thousand_shards_on_three_silos_activate_spread_and_identify_at_the_coordinators_pace()
        => RunAsync(shards: 10_000);

    private async Task RunAsync(int shards)
    {
        using var grantRecorder = new GrantRecorder();
        var start = Stopwatch.StartNew();
        await using var cluster = await SocketlessShardCluster.StartAsync(redis, Silos, shards, MaxConcurrency, s_window, s_grace);
        var deployed = start.Elapsed;

        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Environment.WorkingSet;

        var called = Stopwatch.GetTimestamp();
        var activation = Stopwatch.StartNew();
        await cluster.Supervisor.EnsureShardsAsync();
        var activated = activation.Elapsed;

        var windows = (shards + MaxConcurrency - 1) / MaxConcurrency;
        var ideal = s_window * (windows - 1);
        // Progress every 15 s, so a run that falls behind shows where (grants, slots missed, Identifies).
        var nextReport = TimeSpan.FromSeconds(15);
        await Eventually.TrueAsync(
            () =>
            {
                if (activation.Elapsed >= nextReport)
                {
                    output.WriteLine(Invariant($"  at {activation.Elapsed.TotalSeconds:0} s: {cluster.Gateway.IdentifyCount} identified, ")
                        + Invariant($"{grantRecorder.Grants.Count} grants ({grantRecorder.ReplacingMissed} replacing a missed slot)"));
                    nextReport += TimeSpan.FromSeconds(15);
                }

                return cluster.Gateway.IdentifyCount >= shards;
            },
            TimeSpan.FromMinutes(2) + (ideal * 4),
            $"all {shards} shards identify");
        var allIdentified = activation.Elapsed;

        var statuses = (await cluster.Supervisor.GetStatusAsync()).Shards;
        await Eventually.TrueAsync(
            async () =>
            {
                statuses = (await cluster.Supervisor.GetStatusAsync()).Shards;
                return statuses.Length == shards && statuses.All(s => s.ConnectionState == "Active");
            },
            TimeSpan.FromMinutes(2),
            $"all {shards} shards report Active");

        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        var rssAfter = Environment.WorkingSet;

        var identifies = cluster.Gateway.Identifies;
        var grants = grantRecorder.Grants;
        var first = identifies.Min(i => i.Timestamp);
        var last = identifies.Max(i => i.Timestamp);
        var span = Stopwatch.GetElapsedTime(first, last);
        var spacing = MinimumSpacingPerKey(identifies);
        var tooClose = spacing.Count(gap => gap < s_discordWindow);
        var perSilo = statuses.GroupBy(s => s.Silo).Select(g => g.Count()).OrderByDescending(c => c).ToList();

        output.WriteLine(Invariant($"{shards} shards, {Silos} silos, max_concurrency {MaxConcurrency}, coordinator window {s_window.TotalMilliseconds} ms ")
            + Invariant($"(grace {s_grace.TotalMilliseconds} ms), no sockets (in-memory gateway); cluster deployed in {deployed.TotalSeconds:0.0} s"));
        output.WriteLine(Invariant($"activate all (supervisor EnsureShardsAsync): {activated.TotalSeconds:0.00} s = {shards / activated.TotalSeconds:0} activations/s"));
        output.WriteLine(Invariant($"spread per silo: {string.Join(" / ", perSilo)}"));
        output.WriteLine(Invariant($"identifies {identifies.Count} over {span.TotalSeconds:0.00} s (first to last) = {(identifies.Count - 1) / span.TotalSeconds:0} grants/s; ")
            + Invariant($"ideal {windows} windows = {ideal.TotalSeconds:0.00} s = {(shards - 1) / ideal.TotalSeconds:0}/s; ratio {span / ideal:0.00}"));
        if (grants.Count > 1)
        {
            var grantSpan = Stopwatch.GetElapsedTime(grants[0], grants[^1]);
            output.WriteLine(Invariant($"coordinator grants {grants.Count}: first {Stopwatch.GetElapsedTime(called, grants[0]).TotalSeconds:0.00} s after the supervisor call, ")
                + Invariant($"{(grants.Count - 1) / grantSpan.TotalSeconds:0} grants/s over {grantSpan.TotalSeconds:0.00} s; {grantRecorder.ReplacingMissed} replaced a missed slot"));
        }

        output.WriteLine(Invariant($"from the supervisor call: first Identify {Stopwatch.GetElapsedTime(called, first).TotalSeconds:0.00} s, ")
            + Invariant($"last {allIdentified.TotalSeconds:0.00} s; connections opened {cluster.Gateway.Connections}"));
        output.WriteLine(Invariant($"closest Identifies on one key: {spacing.Min().TotalMilliseconds:0.0} ms; pairs closer than the simulated Discord window ")
            + Invariant($"({s_discordWindow.TotalMilliseconds} ms): {tooClose}"));
        output.WriteLine(Invariant($"managed heap (all silos and the client, after a full GC): {(managedAfter - managedBefore) / 1024.0 / shards:0.0} KiB per shard; ")
            + Invariant($"process working set {(rssAfter - rssBefore) / 1024.0 / shards:0.0} KiB per shard"));

        Assert.Equal(shards, statuses.Length);
        Assert.Equal(shards, identifies.Select(i => i.ShardId).Distinct().Count());
        Assert.Equal(Silos, perSilo.Count);
        // Random placement: each silo holds roughly a third; a sixth is far outside chance at these sizes.
        Assert.All(perSilo, count => Assert.InRange(count, shards / (2 * Silos), shards));
        Assert.Equal(0, tooClose);
        // Never faster than the coordinator's budget allows: ceil(N / max_concurrency) windows.
        Assert.True(span >= ideal - s_window, Invariant($"{shards} Identifies in {span.TotalSeconds:0.00} s, faster than {windows} windows allow"));
    }

    /// <summary>For each pair of consecutive Identifies on one rate-limit key (<c>shard % max_concurrency</c>), the time between them.</summary>
    private static List<TimeSpan> MinimumSpacingPerKey(IReadOnlyList<IdentifyRecord> identifies)
    {
        var gaps = new List<TimeSpan>();
        foreach (var key in identifies.GroupBy(i => i.ShardId % MaxConcurrency))
        {
            var ordered = key.Select(i => i.Timestamp).Order().ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                gaps.Add(Stopwatch.GetElapsedTime(ordered[i - 1], ordered[i]));
            }
        }

        return gaps;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
