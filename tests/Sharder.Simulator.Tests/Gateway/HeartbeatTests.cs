using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-4.2, R-4.3: heartbeats, ACKs and the server's heartbeat deadline (interval × 1.5, fake time).</summary>
public sealed class HeartbeatTests
{
    private const int IntervalMs = 300;
    private const int DeadlineMs = 450;

    [Fact]
    public async Task Heartbeat_is_answered_with_an_ack_in_every_state()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();

        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
        await client.IdentifyAsync(simulator.Token);
        await client.WaitForDispatchAsync("READY");
        await client.HeartbeatAsync();

        Assert.Equal(11, (await client.WaitForAsync(f => f.Op != 0)).Op);
    }

    [Fact]
    public async Task Missing_heartbeats_close_4009_exactly_at_interval_times_tolerance_after_hello()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o => o.HeartbeatIntervalMs = IntervalMs, time);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(IntervalMs, (await client.NextAsync()).Data.GetProperty("heartbeat_interval").GetInt32());
        var connection = simulator.Connections().Single().Id;

        time.Advance(TimeSpan.FromMilliseconds(DeadlineMs - 1));
        Assert.Null(simulator.Connection(connection)!.ServerCloseCode);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(4009, simulator.Connection(connection)!.ServerCloseCode);
        Assert.Equal(4009, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Each_heartbeat_moves_the_deadline()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o => o.HeartbeatIntervalMs = IntervalMs, time);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();
        var connection = simulator.Connections().Single().Id;

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(400));
            await client.HeartbeatAsync();
            Assert.Equal(11, (await client.NextAsync()).Op);
        }

        time.Advance(TimeSpan.FromMilliseconds(DeadlineMs - 1));
        Assert.Null(simulator.Connection(connection)!.ServerCloseCode);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(4009, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Heartbeat_timeout_keeps_the_session_resumable()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o => o.HeartbeatIntervalMs = IntervalMs, time);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        time.Advance(TimeSpan.FromMilliseconds(DeadlineMs));
        Assert.Equal(4009, await first.WaitForCloseAsync());
        Assert.Equal(SessionState.Detached, SimulatorHarness.StateOf(simulator, first.SessionId!));
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);

        Assert.Equal(first.LastSeq + 1, second.AllFrames.Single(f => f.Type == "RESUMED").Seq);
    }

    [Theory]
    [InlineData(MissedHeartbeatAction.Close1000, 1000)]
    [InlineData(MissedHeartbeatAction.Fin, null)]
    public async Task Missed_heartbeat_action_knob_changes_the_close_but_keeps_the_session(MissedHeartbeatAction action, int? code)
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.HeartbeatIntervalMs = IntervalMs;
            o.MissedHeartbeatAction = action;
        }, time);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);

        time.Advance(TimeSpan.FromMilliseconds(DeadlineMs));

        Assert.Equal(code, await client.WaitForCloseAsync());
        Assert.Equal(code is null, client.ClosedWithoutFrame);
        Assert.Equal(SessionState.Detached, SimulatorHarness.StateOf(simulator, client.SessionId!));
    }

    [Fact]
    public async Task Heartbeat_d_is_recorded_with_the_highest_seq_sent_on_the_connection()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeq = client.LastSeq!.Value;

        await client.HeartbeatAsync();
        await client.WaitForAsync(f => f.Op == 11);

        var beat = Assert.Single(simulator.Ledger.Snapshot().Heartbeats);
        Assert.Equal(lastSeq, beat.ClientSeq);
        Assert.Equal(lastSeq, beat.HighestSentSeq);
        Assert.Equal(client.SessionId, beat.SessionId);
        Assert.Equal(lastSeq, SimulatorHarness.ConnectionOf(simulator, client).LastHeartbeatSeq);
        Assert.Equal(0, simulator.Check(client.Published).HeartbeatMismatches);
    }

    [Fact]
    public async Task Heartbeat_d_ahead_of_what_was_sent_is_a_finding_not_a_close()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);

        await client.SendAsync("{\"op\":1,\"d\":" + (client.LastSeq!.Value + 1) + "}");
        await client.WaitForAsync(f => f.Op == 11);

        var report = simulator.Check(client.Published);
        Assert.Equal(1, report.HeartbeatMismatches);
        Assert.Contains(report.Violations, v => v.StartsWith("heartbeat ahead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heartbeat_d_behind_what_the_previous_heartbeat_had_covered_is_a_finding_not_a_close()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeq = client.LastSeq!.Value;
        await client.HeartbeatAsync();
        await client.WaitForAsync(f => f.Op == 11);

        await client.SendAsync("{\"op\":1,\"d\":" + (lastSeq - 3) + "}");
        await client.WaitForAsync(f => f.Op == 11);

        var report = simulator.Check(client.Published);
        Assert.Equal(1, report.HeartbeatMismatches);
        Assert.Contains(report.Violations, v => v.StartsWith("stale heartbeat", StringComparison.Ordinal));
        Assert.Null(SimulatorHarness.ConnectionOf(simulator, client).ServerCloseCode);
    }
}
