using System.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Events;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Issue 8, "a gateway that deviates from Discord": the simulator's deviation switches (READY <c>s:0</c>, a
/// reused session id, a bad token closed with 4000) against a real <see cref="ShardConnection"/>.
/// </summary>
public sealed class DeviantGatewayTests(ITestOutputHelper output)
{
    private const int Before = 40;
    private const int After = 40;

    [Fact]
    public async Task Ready_numbered_zero_every_event_is_delivered_once_and_the_shard_never_sticks()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, s => s.ReadySequenceZero = true);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        // A resume after READY s:0 (op 7) must not lose or repeat anything either.
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect }));
        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((0L, 0L), (report.Lost, report.Duplicates));
        var ready = Assert.Single(scenario.Sink.OfType("READY"));
        Assert.Equal(0, ready.Record.Seq);
        Assert.Equal(GatewayState.Active, shard.State);
        Assert.Equal(shard.Status.LastSequence, shard.Status.LastDeliveredSequence);
        Assert.Equal(1, shard.Status.Identifies);
    }

    [Fact]
    public async Task A_reused_session_id_is_reported_as_a_new_start_and_every_event_is_delivered()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, s => s.ReuseSessionIds = true);
        var shard = await scenario.StartReadyShardAsync();
        var emitted = EmitTracked(scenario, Before);
        await scenario.WaitForMessagesAsync(Before);
        var firstSession = shard.Status.SessionId;

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, Resumable = false }));
        await scenario.WaitForNewSessionsAsync(shard, 2);
        emitted.AddRange(EmitTracked(scenario, After));
        await scenario.WaitUntilAsync(
            () => DeliveredUids(scenario).Count(emitted.Contains) == emitted.Count,
            "every emitted MESSAGE_CREATE was delivered");

        Assert.Equal(firstSession, shard.Status.SessionId);
        var starts = scenario.Sink.SessionStarts;
        Assert.Equal(2, starts.Count);
        Assert.All(starts, start => Assert.False(start.Resumed));
        Assert.NotEqual(starts[0].StartId, starts[1].StartId);
        Assert.Equal(firstSession, starts[1].Replaced?.SessionId);
        var delivered = DeliveredUids(scenario);
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(2, scenario.Sink.OfType("READY").Count);
        Assert.Equal(shard.Status.LastSequence, shard.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task A_bad_token_closed_with_4000_costs_at_most_three_identifies_before_the_backoff()
    {
        var backoff = TimeSpan.FromSeconds(3);
        await using var scenario = await GatewayScenario.StartAsync(
            output,
            GatewayCompression.ZlibStream,
            s => s.BadTokenCloseCode = 4000,
            g =>
            {
                g.IdentifyFailureBackoffBase = backoff;
                g.IdentifyFailureBackoffMax = backoff;
            });
        var shard = scenario.StartShard(token: "not-the-token");

        await scenario.WaitUntilAsync(() => shard.Status.IdentifyBackoffUntil is not null, "the shard backs off its Identifies");
        var backingOff = Stopwatch.StartNew();
        Assert.Equal(3, IdentifiesSeen(scenario));
        Assert.Equal(3, shard.Status.IdentifyFailures);
        Assert.Equal(GatewayState.Disconnected, shard.State);

        await scenario.WaitUntilAsync(() => IdentifiesSeen(scenario) == 4, "the shard identifies again after the backoff");
        Assert.True(backingOff.Elapsed >= backoff - TimeSpan.FromSeconds(1), $"the fourth Identify came {backingOff.Elapsed} after the backoff began");
        Assert.All(scenario.Connections.Where(c => !c.Open), c => Assert.Equal(4000, c.ServerCloseCode));
        Assert.False(shard.Completion.IsCompleted);
    }

    /// <summary>Identify payloads the simulator read, over every connection.</summary>
    private static int IdentifiesSeen(GatewayScenario scenario) =>
        scenario.Simulator.Connections(includeClosed: true).Sum(c => scenario.Simulator.Transcript(c.Id).Count(t => t.Inbound && t.Op == 2));

    private static List<long> EmitTracked(GatewayScenario scenario, int count)
    {
        var guilds = scenario.Simulator.World.GuildsForShard(0, 1).ToArray();
        return [.. Enumerable.Range(0, count).Select(i => scenario.Simulator.EmitMessage(guilds[i % guilds.Length].Id, approxBytes: 512).Uid)];
    }

    private static List<long> DeliveredUids(GatewayScenario scenario) =>
        [.. scenario.Sink.OfType("MESSAGE_CREATE").Select(p => SimEventUid.TryReadFromPayload(p.Payload.Span, out var uid) ? uid : -1)];
}
