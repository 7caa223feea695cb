using System.Globalization;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Heartbeat rows F9, F10 and F11 (F7 and F8 are in <see cref="ResumableFaultTests"/>).
/// </summary>
/// <remarks>
/// F11 plays a shard whose sending side is stuck (a blocked heartbeat loop, a long pause): the
/// <see cref="StallableTransportFactory"/> holds every outgoing payload while reads go on, so the
/// gateway's own heartbeat deadline ends the connection, and the test then lets the shard run
/// again. The gateway's reaction is undocumented (a simulator knob): with a FIN the shard resumes; with
/// close 4009 it identifies, because 4009 means "session timed out, start a new one" (GP §7.1).
/// </remarks>
public sealed class HeartbeatTests(ITestOutputHelper output)
{
    private const int Before = 40;
    private const int During = 30;
    private const int After = 40;

    /// <summary>
    /// F9: every ACK is late, but by less than the interval: not a zombie connection. A 2 s interval with
    /// delays up to a quarter of it, so a test machine that stalls this process for a second does not push
    /// an ACK past the next heartbeat (which would rightly be a zombie).
    /// </summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task LateAcks_WithinTheInterval_AreNotTakenForAZombieConnection(GatewayCompression compression)
    {
        const int beats = 3;
        const int IntervalMs = 2 * GatewayScenario.FastHeartbeatIntervalMs;
        const int AckDelayMs = IntervalMs / 4;
        await using var scenario = await GatewayScenario.StartAsync(output, compression, o => o.HeartbeatIntervalMs = IntervalMs);
        var shard = await scenario.StartReadyShardAsync();
        var connection = Assert.Single(scenario.Connections).Id;

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.DelayAcks, DelayMs = AckDelayMs }));
        var start = Heartbeats(scenario, connection).Count;
        scenario.EmitMessages(Before);
        await scenario.WaitUntilAsync(() => Heartbeats(scenario, connection).Count >= start + beats, $"{beats} heartbeats with late ACKs");
        await scenario.WaitForMessagesAsync(Before);

        Assert.Equal(GatewayState.Active, shard.State);
        Assert.Equal(0, shard.Status.TotalReconnects);
        Assert.Single(scenario.Connections);
        Assert.NotNull(shard.Status.Latency);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"last heartbeat latency with ACKs delayed up to {AckDelayMs} ms: {shard.Status.Latency.Value.TotalMilliseconds:F0} ms"));
        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 0), (report.Identifies, report.Resumes));
    }

    /// <summary>F10: op 1 from the gateway is answered at once, and the regular schedule keeps its rhythm.</summary>
    [Fact]
    public async Task HeartbeatRequest_IsAnsweredAtOnce_AndTheRegularScheduleIsUnchanged()
    {
        const int intervalMs = 3_000;
        const int requestAfterMs = intervalMs / 2;

        // The times are the simulator's, taken in this (possibly stalled) test process, so the bounds only
        // separate the right behaviour from the wrong one: an answer at once, not at the next scheduled beat
        // (1500 ms later); the next scheduled beat on the old rhythm (3000 ms), not restarted by the answer (4500 ms);
        // a 3 s interval leaves 750 ms either side for a stalled process.
        var answeredAtOnce = TimeSpan.FromMilliseconds(requestAfterMs * 2 / 3);
        var onRhythm = (Min: TimeSpan.FromMilliseconds(intervalMs / 2), Max: TimeSpan.FromMilliseconds(intervalMs + (requestAfterMs / 2)));
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, o => o.HeartbeatIntervalMs = intervalMs);
        await scenario.StartReadyShardAsync();
        var connection = Assert.Single(scenario.Connections).Id;
        // The socket opens up to the connect lead before the Identify, so beats may already have gone out: wait for a new one.
        var seen = Heartbeats(scenario, connection).Count;
        await scenario.WaitUntilAsync(() => Heartbeats(scenario, connection).Count >= seen + 1, "a scheduled heartbeat");

        // The simulator's own timer sends op 1 half-way to the next scheduled heartbeat.
        scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.RequestHeartbeat, Trigger = FaultTrigger.At, AtMs = requestAfterMs });
        await scenario.WaitUntilAsync(() => Heartbeats(scenario, connection).Count >= seen + 3, "the answer and the next scheduled heartbeat");

        var beats = Heartbeats(scenario, connection).Skip(seen).ToList();
        var request = scenario.Simulator.Transcript(connection).Single(e => !e.Inbound && e.Op == 1);
        var answerDelay = beats[1].At - request.At;
        var nextScheduled = beats[2].At - beats[0].At;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"op 1 answered after {answerDelay.TotalMilliseconds:F0} ms; scheduled beats {nextScheduled.TotalMilliseconds:F0} ms apart"));
        // The simulator writes the request into the transcript after sending it, so a quick answer can be
        // recorded a moment earlier.
        Assert.InRange(answerDelay, TimeSpan.FromMilliseconds(-100), answeredAtOnce);
        Assert.InRange(nextScheduled, onRhythm.Min, onRhythm.Max);
    }

    /// <summary>F11 with a FIN on the missed deadline: the shard resumes and gets the events produced meanwhile replayed.</summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task StalledHeartbeats_GatewayDropsTheConnection_TheShardResumes(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression, o =>
        {
            Fast(o);
            o.MissedHeartbeatAction = MissedHeartbeatAction.Fin;
        });
        var shard = await StallUntilTheGatewayGivesUpAsync(scenario);

        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + During + After);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 1), (report.Identifies, report.Resumes));
        Assert.True(scenario.Connections[0].EndedWithoutCloseFrame, "the gateway ended the silent connection with a FIN");
        Assert.Equal((1, 1), (shard.Status.Identifies, shard.Status.Resumes));
    }

    /// <summary>
    /// F11 with close 4009 (the simulator's default): the shard starts a new session as 4009 demands. The
    /// simulator keeps the old session resumable after its own 4009, so the oracle's
    /// "resume when possible" rule is switched off here, and the events buffered for that abandoned
    /// session are never sent.
    /// </summary>
    [Fact]
    public async Task StalledHeartbeats_GatewayClosesWith4009_TheShardStartsANewSession()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, Fast);
        var shard = await StallUntilTheGatewayGivesUpAsync(scenario);

        await scenario.WaitForNewSessionsAsync(shard, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var options = new InvariantOptions { RequireResumeWhenPossible = false, BootstrapListener = GatewayScenario.BootstrapListener };
        var report = await scenario.AssertLedgerAsync(options, expectAllSent: false);
        Assert.Equal((2, 0), (report.Identifies, report.Resumes));
        Assert.Equal(4009, scenario.Connections[0].ServerCloseCode);

        // The abandoned session stays alive in the simulator and gets its own copy of every later event.
        Assert.Equal(During + After, report.RoutedNeverSent);
        Assert.Equal((2, 0), (shard.Status.Identifies, shard.Status.Resumes));
    }

    /// <summary>
    /// Runs a shard, then stalls its sends until the gateway's heartbeat deadline ends the connection,
    /// produces <see cref="During"/> events while no connection holds the session, and lets the shard send again.
    /// </summary>
    private static async Task<ShardConnection> StallUntilTheGatewayGivesUpAsync(GatewayScenario scenario)
    {
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        scenario.Transports.StallSends();
        await scenario.WaitUntilAsync(() => !scenario.Connections[0].Open, "the gateway gave up on the silent connection");
        scenario.EmitMessages(During);
        scenario.Transports.ReleaseSends();
        return shard;
    }

    private static void Fast(SimulatorOptions options) => options.HeartbeatIntervalMs = GatewayScenario.FastHeartbeatIntervalMs;

    private static List<HeartbeatRecord> Heartbeats(GatewayScenario scenario, long connectionId) =>
        [.. scenario.Simulator.Ledger.Snapshot().Heartbeats.Where(h => h.ConnectionId == connectionId)];
}
