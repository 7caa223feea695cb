using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-9 rows F1–F17 as a plain client sees them; resumable ones end with a clean ledger .</summary>
public sealed class ConnectionFaultTests
{
    [Fact]
    public async Task F1_reconnect_sends_op_7_then_ends_with_fin_after_the_grace_period_and_the_session_resumes()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReconnectGraceMs = 200);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        Assert.Equal(1, simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect, ShardId = 0 }));

        Assert.Equal("""{"t":null,"s":null,"op":7,"d":null}""", (await first.NextAsync()).Json);
        Assert.Null(await first.WaitForCloseAsync());
        Assert.True(first.ClosedWithoutFrame);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        simulator.EmitMessage(simulator.World.Guilds[0].Id);
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);

        Assert.Single(second.Published, p => p.Type == "MESSAGE_CREATE");
        var report = SimulatorHarness.AssertLedgerOk(simulator, first, second);
        Assert.Equal((1, 1), (report.Identifies, report.Resumes));
    }

    [Fact]
    public async Task F1_reconnect_with_a_close_code_closes_with_that_code_after_the_grace_period()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReconnectGraceMs = 100);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect, ShardId = 0, CloseCode = 4000 });

        Assert.Equal(7, (await client.NextAsync()).Op);
        Assert.Equal(4000, await client.WaitForCloseAsync());
        Assert.Equal(SessionState.Detached, SimulatorHarness.StateOf(simulator, client.SessionId!));
    }

    [Fact]
    public async Task F1b_reconnect_instead_of_hello_then_fin_and_the_next_connection_gets_hello()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReconnectGraceMs = 100);
        simulator.Inject(new FaultSpec { Kind = FaultKind.ReconnectInsteadOfHello });
        await using var first = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);

        Assert.Equal(7, (await first.NextAsync()).Op);
        Assert.Null(await first.WaitForCloseAsync());
        Assert.DoesNotContain(first.AllFrames, f => f.Op == 10);
        await using var second = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await second.NextAsync()).Op);
    }

    [Fact]
    public async Task F2_invalid_session_false_ends_the_session_keeps_the_socket_and_events_in_the_gap_are_undeliverable()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, ShardId = 0 });

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await first.NextAsync()).Json);
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
        simulator.EmitMessage(simulator.World.Guilds[0].Id);
        await first.HeartbeatAsync();
        Assert.Equal(11, (await first.NextAsync()).Op);
        await first.CloseAsync(1000);
        await using var second = await SimulatorHarness.ReadyClientAsync(simulator);
        Assert.Equal(1, second.AllFrames.First(f => f.Op == 0).Seq);
        var report = SimulatorHarness.AssertLedgerOk(simulator, first, second);
        Assert.Equal(1, report.Undeliverable);
    }

    [Fact]
    public async Task F3_invalid_session_true_keeps_the_session_resumable_from_a_new_connection()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, ShardId = 0, Resumable = true });

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":true}""", (await first.NextAsync()).Json);
        Assert.Equal(SessionState.Detached, SimulatorHarness.StateOf(simulator, first.SessionId!));
        simulator.EmitMessage(simulator.World.Guilds[0].Id);
        await first.CloseAsync(4000);
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);
        Assert.Single(second.Published, p => p.Type == "MESSAGE_CREATE");
        SimulatorHarness.AssertLedgerOk(simulator, first, second);
    }

    [Fact]
    public async Task F4_resume_answered_with_invalid_session_false_then_identify_on_bootstrap_works()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSessionOnResume, ShardId = 0 });
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var resumer = await RawGatewayClient.ConnectAsync(first.ResumeUrl!);
        await resumer.NextAsync();

        await resumer.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await resumer.NextAsync()).Json);
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
        await resumer.CloseAsync(1000);
        await using var second = await SimulatorHarness.ReadyClientAsync(simulator);
        SimulatorHarness.AssertLedgerOk(simulator, first, second);
    }

    [Theory]
    [InlineData(FaultKind.Fin)]
    [InlineData(FaultKind.Rst)]
    public async Task F5_F6_abrupt_end_without_a_close_frame_leaves_the_session_resumable(FaultKind kind)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = kind, ShardId = 0 });

        Assert.Null(await first.WaitForCloseAsync());
        Assert.True(first.ClosedWithoutFrame);
        Assert.IsType<System.Net.WebSockets.WebSocketException>(first.ReceiveError);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        simulator.EmitMessage(simulator.World.Guilds[1].Id);
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);
        Assert.Single(second.Published, p => p.Type == "MESSAGE_CREATE");
        var report = SimulatorHarness.AssertLedgerOk(simulator, first, second);
        Assert.Equal(1, report.CountCloses(byServer: true, code: null));
    }

    [Fact]
    public async Task F7_blackhole_sends_nothing_and_a_resume_on_a_new_connection_replays_what_was_emitted()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = FaultKind.Blackhole, ShardId = 0 });
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        var emitted = Enumerable.Range(0, 3).Select(i => simulator.EmitMessage(simulator.World.Guilds[i].Id).Uid).ToList();
        await first.HeartbeatAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => first.NextAsync(SimulatorHarness.Quiet));
        first.Abort();
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);
        Assert.Equal(emitted.Select(u => (long?)u), second.Published.Where(p => p.Type == "MESSAGE_CREATE").Select(p => p.EventUid));
        SimulatorHarness.AssertLedgerOk(simulator, first, second);
    }

    [Fact]
    public async Task F8_ack_starvation_drops_every_ack_but_dispatches_keep_coming()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        simulator.Inject(new FaultSpec { Kind = FaultKind.DropAcks, ShardId = 0 });

        await client.HeartbeatAsync();
        await simulator.WaitUntilAsync(s => s.Ledger.Snapshot().Heartbeats.Count == 1, SimulatorHarness.Patience, "the heartbeat");
        var uid = simulator.EmitMessage(simulator.World.Guilds[0].Id).Uid;

        var next = await client.NextAsync();
        Assert.Equal(("MESSAGE_CREATE", uid), (next.Type, client.Published[^1].EventUid));
        Assert.DoesNotContain(client.AllFrames, f => f.Op == 11);
        simulator.Inject(new FaultSpec { Kind = FaultKind.ClearModes, ShardId = 0 });
        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task F9_delayed_acks_still_arrive()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(time: time);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        simulator.Inject(new FaultSpec { Kind = FaultKind.DelayAcks, ShardId = 0, DelayMs = 1_000 });

        await client.HeartbeatAsync();
        await simulator.WaitUntilAsync(s => s.Ledger.Snapshot().Heartbeats.Count == 1, SimulatorHarness.Patience, "the heartbeat");
        time.Advance(TimeSpan.FromMilliseconds(1_000));

        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task F10_server_heartbeat_request_is_the_exact_op_1_frame()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);

        simulator.Inject(new FaultSpec { Kind = FaultKind.RequestHeartbeat, ShardId = 0 });

        Assert.Equal("""{"t":null,"s":null,"op":1,"d":null}""", (await client.NextAsync()).Json);
        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task F13_expired_session_answers_resume_with_invalid_session_false()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        Assert.Equal(1, simulator.Inject(new FaultSpec { Kind = FaultKind.ExpireSession, ShardId = 0 }));

        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
        await using var second = await RawGatewayClient.ConnectAsync(first.ResumeUrl!);
        await second.NextAsync();
        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);
        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await second.NextAsync()).Json);
    }

    [Fact]
    public async Task F13_session_expires_when_the_resume_window_passes()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ResumeWindowMs = 1_000, time);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await RawGatewayClient.ConnectAsync(first.ResumeUrl!);
        await second.NextAsync();

        time.Advance(TimeSpan.FromMilliseconds(1_001));
        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        var invalid = await second.NextAsync();
        Assert.Equal((9, false), (invalid.Op, invalid.Data.GetBoolean()));
    }

    [Fact]
    public async Task F15_invalid_seq_rule_closes_the_next_resume_with_4007()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSeqOnResume, ShardId = 0 });
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await RawGatewayClient.ConnectAsync(first.ResumeUrl!);
        await second.NextAsync();

        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        Assert.Equal(4007, await second.WaitForCloseAsync());
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
    }

    [Fact]
    public async Task F17_rejected_identify_gets_invalid_session_false_and_the_next_identify_works()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.Inject(new FaultSpec { Kind = FaultKind.RejectIdentify, ShardId = 0 });
        var remaining = simulator.IdentifyBudgetRemaining;
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();

        await client.IdentifyAsync(simulator.Token);

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await client.NextAsync()).Json);
        Assert.Equal(remaining, simulator.IdentifyBudgetRemaining);
        Assert.Empty(simulator.Sessions());
        await client.IdentifyAsync(simulator.Token);
        Assert.Equal(1, (await client.WaitForDispatchAsync("READY")).Seq);
    }
}
