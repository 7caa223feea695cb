using System.Diagnostics;
using System.Globalization;
using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Several shards on one identify gate: F30 (op 7 to every shard at once), F16 (one socket per session),
/// F17 (identify concurrency) and F18 (identify budget).
/// </summary>
/// <remarks>
/// F18: the <see cref="LocalIdentifyGate"/> spaces identifies but knows nothing of the daily budget;
/// reading <c>session_start_limit.remaining</c> and refusing or deferring starts is the cluster
/// coordinator's job and is tested with it. Here the budget is small and the test proves the shards never
/// spend it on what a Resume can do, so the token is never reset.
/// </remarks>
public sealed class ShardFleetTests(ITestOutputHelper output)
{
    private const int FleetSize = 8;

    /// <summary>F30 (+F16): every shard gets op 7 at once; all resume, none identifies, and no session ever has two sockets.</summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task ReconnectToEveryShardAtOnce_AllResume_WithoutASingleIdentify(GatewayCompression compression)
    {
        const int batch = 200;
        await using var scenario = await GatewayScenario.StartAsync(output, compression, o => o.World.GuildCount = 4 * FleetSize);
        var shards = Enumerable.Range(0, FleetSize).Select(i => scenario.StartShard(i, FleetSize)).ToList();
        await scenario.WaitUntilAsync(() => shards.All(s => s.State == GatewayState.Active && scenario.IsRoutable(s)), $"{FleetSize} shards are Active");
        scenario.EmitMessagesEverywhere(batch);
        await scenario.WaitForMessagesAsync(batch);

        var clock = Stopwatch.StartNew();
        Assert.Equal(FleetSize, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect }));
        await scenario.WaitUntilAsync(
            () => shards.All(s => s.State == GatewayState.Active && s.Status.Resumes == 1),
            $"all {FleetSize} shards resumed");
        var recovery = clock.Elapsed;
        scenario.EmitMessagesEverywhere(batch);
        await scenario.WaitForMessagesAsync(2 * batch);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"F30 {compression}: all {FleetSize} shards resumed {recovery.TotalMilliseconds:F0} ms after op 7; longest single-shard recovery in the ledger {report.MaxTimeToRecover.TotalMilliseconds:F0} ms"));
        Assert.Equal((FleetSize, FleetSize, 0), (report.Identifies, report.Resumes, report.IdentifyViolations));
        Assert.All(shards, s => Assert.Equal((1, 1), (s.Status.Identifies, s.Status.Resumes)));
        AssertOneSocketPerSessionAtATime(scenario);
    }

    /// <summary>
    /// F17: four shards, max_concurrency 2, start cleanly with no concurrency violation; a shard whose
    /// Identify is refused with op 9 backs off and identifies again.
    /// </summary>
    [Fact]
    public async Task CleanStart_RespectsIdentifyConcurrency_AndARefusedIdentifyIsRetried()
    {
        const int shardCount = 4;
        const int concurrency = 2;
        await using var scenario = await GatewayScenario.StartAsync(
            output, GatewayCompression.ZlibStream, o => o.World.GuildCount = 4 * shardCount, maxConcurrency: concurrency);
        scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.RejectIdentify, ShardId = 1 });

        var clock = Stopwatch.StartNew();
        var shards = Enumerable.Range(0, shardCount).Select(i => scenario.StartShard(i, shardCount)).ToList();
        await scenario.WaitUntilAsync(() => shards.All(s => s.State == GatewayState.Active && scenario.IsRoutable(s)), $"{shardCount} shards are Active");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"F17: {shardCount} shards at max_concurrency {concurrency} (one Identify refused) ready after {clock.Elapsed.TotalMilliseconds:F0} ms"));

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((shardCount, 0), (report.Identifies, report.IdentifyViolations));
        Assert.Equal([1, 2, 1, 1], shards.Select(s => s.Status.Identifies));
        // One permit per Identify sent, plus any handed back unused (a first connect slower than the connect lead).
        Assert.Equal(shardCount + 1, scenario.IdentifyGate.Granted - scenario.IdentifyGate.HandedBack);
        Assert.Equal(1, shards[1].Status.Reconnects.GetValueOrDefault(ReconnectCause.InvalidSession));
    }

    /// <summary>F18: with a budget of three session starts, two shards survive op 7 and FIN on every shard without spending more than their two.</summary>
    [Fact]
    public async Task SmallIdentifyBudget_ResumesDoNotSpendIt_AndTheTokenIsNeverReset()
    {
        const int shardCount = 2;
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, o => o.DailyIdentifyTotal = 3);
        var shards = Enumerable.Range(0, shardCount).Select(i => scenario.StartShard(i, shardCount)).ToList();
        await scenario.WaitUntilAsync(() => shards.All(s => s.State == GatewayState.Active && scenario.IsRoutable(s)), "both shards are Active");

        Assert.Equal(shardCount, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect }));
        await scenario.WaitUntilAsync(() => shards.All(s => s.State == GatewayState.Active && s.Status.Resumes == 1), "both shards resumed after op 7");
        Assert.Equal(shardCount, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Fin }));
        await scenario.WaitUntilAsync(() => shards.All(s => s.State == GatewayState.Active && s.Status.Resumes == 2), "both shards resumed after FIN");
        scenario.EmitMessagesEverywhere(20);
        await scenario.WaitForMessagesAsync(20);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((shardCount, 2 * shardCount), (report.Identifies, report.Resumes));
        Assert.False(scenario.Simulator.TokenRevoked);
        Assert.Equal(1, scenario.Simulator.IdentifyBudgetRemaining);
    }

    /// <summary>
    /// F16 from the shard's side: a shard never opens its next connection before the gateway saw the
    /// previous one end, so the simulator never had to move a session between live sockets.
    /// </summary>
    private static void AssertOneSocketPerSessionAtATime(GatewayScenario scenario)
    {
        var ledger = scenario.Simulator.Ledger.Snapshot();
        Assert.DoesNotContain(ledger.Sessions, s => s.Kind == SessionEventKind.Reattached);
        Assert.DoesNotContain(ledger.Closes, c => c.Code == 4006);
        var endedAt = ledger.Closes.GroupBy(c => c.ConnectionId).ToDictionary(g => g.Key, g => g.Min(c => c.At));
        foreach (var shard in scenario.Connections.GroupBy(c => c.ShardId))
        {
            var ordered = shard.OrderBy(c => c.ConnectedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var previous = ordered[i - 1];
                Assert.True(
                    endedAt.TryGetValue(previous.Id, out var ended) && ended <= ordered[i].ConnectedAt,
                    $"shard {shard.Key}: connection {ordered[i].Id} opened while connection {previous.Id} was still alive");
            }
        }
    }
}
