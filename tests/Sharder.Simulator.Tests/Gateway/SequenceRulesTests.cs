using Sharder.Simulator.Faults;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-4.6, R-4.7, R-5.4: resume answers and sequence numbering across connections.</summary>
public sealed class SequenceRulesTests
{
    [Fact]
    public async Task Replay_keeps_the_original_seq_and_bytes_and_resumed_takes_the_next_seq()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var resumeFrom = first.LastSeq!.Value;
        for (var i = 0; i < 5; i++) simulator.EmitMessage(simulator.World.Guilds[i].Id);
        var live = (await WaitForSeqAsync(first, resumeFrom + 5)).ToList();
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        // Resuming from an older seq than the client really has replays frames it saw live.
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, fromSeq: resumeFrom);

        var replayed = second.AllFrames.Where(f => f.Op == 0 && f.Type != "RESUMED").ToList();
        Assert.Equal(live.Select(f => f.Seq), replayed.Select(f => f.Seq));
        Assert.Equal(live.Select(f => f.Json), replayed.Select(f => f.Json));
        Assert.Equal(resumeFrom + 6, second.AllFrames.Single(f => f.Type == "RESUMED").Seq);
    }

    [Fact]
    public async Task Live_events_after_resumed_continue_the_sequence()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);
        var resumed = second.AllFrames.Single(f => f.Type == "RESUMED").Seq!.Value;

        simulator.EmitMessage(simulator.World.Guilds[0].Id);

        Assert.Equal(resumed + 1, (await second.WaitForDispatchAsync("MESSAGE_CREATE")).Seq);
    }

    [Fact]
    public async Task Events_while_detached_are_buffered_and_replayed_in_order()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeen = first.LastSeq!.Value;
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        var uids = Enumerable.Range(0, 4).Select(i => simulator.EmitMessage(simulator.World.Guilds[i].Id).Uid).ToList();

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);

        var replayed = second.Published.Where(p => p.Type == "MESSAGE_CREATE").ToList();
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long?)(lastSeen + i)), replayed.Select(p => p.Seq));
        Assert.Equal(uids.Select(u => (long?)u), replayed.Select(p => p.EventUid));
    }

    [Fact]
    public async Task New_session_restarts_at_seq_1()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        await first.CloseAsync(1000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Invalidated);

        await using var second = await SimulatorHarness.IdentifiedClientAsync(simulator);

        var ready = second.AllFrames.Single(f => f.Type == "READY");
        Assert.Equal(1, ready.Seq);
        Assert.NotEqual(first.SessionId, second.SessionId);
    }

    [Fact]
    public async Task Resume_with_a_seq_ahead_of_the_session_closes_4007()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await ResumeUrlClientAsync(first);

        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value + 1);

        Assert.Equal(4007, await second.WaitForCloseAsync());
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
    }

    [Fact]
    public async Task Resume_of_an_unknown_session_gets_invalid_session_false_and_the_socket_stays_open()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.ResumeUrls[0]);
        await client.NextAsync();

        await client.ResumeAsync(simulator.Token, new string('a', 32), 3);

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await client.NextAsync()).Json);
        await client.SendAsync("""{"op":1,"d":null}""");
        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task Resume_older_than_the_replay_buffer_gets_invalid_session_false()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReplayBufferDepth = 4);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeen = first.LastSeq!.Value;
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        for (var i = 0; i < 5; i++) simulator.EmitMessage(simulator.World.Guilds[i].Id);
        await using var second = await ResumeUrlClientAsync(first);

        await second.ResumeAsync(simulator.Token, first.SessionId!, lastSeen);

        var invalid = await second.NextAsync();
        Assert.Equal((9, false), (invalid.Op, invalid.Data.GetBoolean()));
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
    }

    [Fact]
    public async Task Resume_exactly_at_the_oldest_buffered_event_replays()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReplayBufferDepth = 4);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeen = first.LastSeq!.Value;
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        for (var i = 0; i < 4; i++) simulator.EmitMessage(simulator.World.Guilds[i].Id);

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, fromSeq: lastSeen);

        Assert.Equal(4, second.Published.Count(p => p.Type == "MESSAGE_CREATE"));
    }

    [Fact]
    public async Task Resume_while_the_old_socket_is_alive_closes_it_with_4006_and_replays_on_the_new_one()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var resumeFrom = first.LastSeq!.Value - 2;

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, fromSeq: resumeFrom);

        Assert.Equal(4006, await first.WaitForCloseAsync());
        Assert.Equal([resumeFrom + 1, resumeFrom + 2, resumeFrom + 3], second.AllFrames.Where(f => f.Op == 0).Select(f => f.Seq!.Value));
        var session = simulator.Sessions().Single();
        Assert.Equal(SessionState.Attached, session.State);
        // The client has the 4006 frame; the simulator drops the old connection from its open list just after.
        await simulator.WaitUntilAsync(
            s => s.Connections().Count(c => c.SessionId == second.SessionId) == 1, SimulatorHarness.Patience, "the old connection to close");
        Assert.Equal(SimulatorHarness.ConnectionOf(simulator, second).Id, session.AttachedConnectionId);
        simulator.EmitMessage(simulator.World.Guilds[0].Id);
        Assert.Equal(resumeFrom + 4, (await second.WaitForDispatchAsync("MESSAGE_CREATE")).Seq);
    }

    [Fact]
    public async Task Double_attachment_with_the_fin_knob_drops_the_old_socket_without_a_close_frame()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.DoubleAttachAction = DoubleAttachAction.Fin);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);

        Assert.Null(await first.WaitForCloseAsync());
        Assert.True(first.ClosedWithoutFrame);
        Assert.Equal(SessionState.Attached, SimulatorHarness.StateOf(simulator, first.SessionId!));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    public async Task Resume_after_the_client_closed_with_a_normal_code_gets_invalid_session_false(int code)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        await first.CloseAsync(code);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Invalidated);
        await using var second = await ResumeUrlClientAsync(first);

        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await second.NextAsync()).Json);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4200)]
    [InlineData(1011)]
    public async Task Resume_after_the_client_closed_with_another_code_succeeds(int code)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var firstConnection = SimulatorHarness.ConnectionOf(simulator, first).Id;
        await first.CloseAsync(code);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);

        Assert.Equal(first.LastSeq + 1, second.AllFrames.Single(f => f.Type == "RESUMED").Seq);
        Assert.Equal(code, simulator.Connection(firstConnection)!.ClientCloseCode);
        Assert.Equal(1, simulator.Check([]).CountCloses(byServer: false, code));
    }

    [Fact]
    public async Task Resume_on_the_bootstrap_listener_with_strict_resume_url_gets_invalid_session_false_and_ends_the_session()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.StrictResumeUrl = true);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var wrongListener = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await wrongListener.NextAsync();

        await wrongListener.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await wrongListener.NextAsync()).Json);
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, first.SessionId!));
        await using var rightListener = await ResumeUrlClientAsync(first);
        await rightListener.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);
        Assert.Equal(9, (await rightListener.NextAsync()).Op);
    }

    [Fact]
    public async Task Resume_on_the_bootstrap_listener_without_strict_resume_url_succeeds()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        second.ContinueSessionOf(first);
        await second.NextAsync();

        await second.ResumeAsync(simulator.Token, first.SessionId!, first.LastSeq!.Value);

        Assert.Equal(first.LastSeq + 1, (await second.WaitForDispatchAsync("RESUMED")).Seq);
    }

    [Fact]
    public async Task Identify_on_the_same_socket_after_invalid_session_starts_a_new_session()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var oldSession = client.SessionId!;
        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, ShardId = 0 });
        await client.WaitForAsync(f => f.Op == 9);

        await client.IdentifyAsync(simulator.Token);
        var ready = await client.WaitForDispatchAsync("READY");

        Assert.Equal(1, ready.Seq);
        Assert.NotEqual(oldSession, client.SessionId);
        Assert.Equal(SessionState.Invalidated, SimulatorHarness.StateOf(simulator, oldSession));
        Assert.Equal(SessionState.Attached, SimulatorHarness.StateOf(simulator, client.SessionId!));
    }

    [Fact]
    public async Task Resume_on_the_same_socket_after_invalid_session_true_replays()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var lastSeen = client.LastSeq!.Value;
        simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, ShardId = 0, Resumable = true });
        Assert.Equal("""{"t":null,"s":null,"op":9,"d":true}""", (await client.WaitForAsync(f => f.Op == 9)).Json);
        simulator.EmitMessage(simulator.World.Guilds[0].Id);

        await client.ResumeAsync(simulator.Token, client.SessionId!, lastSeen);

        Assert.Equal(lastSeen + 1, (await client.WaitForDispatchAsync("MESSAGE_CREATE")).Seq);
        Assert.Equal(lastSeen + 2, (await client.WaitForDispatchAsync("RESUMED")).Seq);
    }

    private static async Task<RawGatewayClient> ResumeUrlClientAsync(RawGatewayClient previous)
    {
        var client = await RawGatewayClient.ConnectAsync(previous.ResumeUrl!);
        client.ContinueSessionOf(previous);
        Assert.Equal(10, (await client.NextAsync()).Op);
        return client;
    }

    private static async Task<IReadOnlyList<RawFrame>> WaitForSeqAsync(RawGatewayClient client, long seq)
    {
        var frames = new List<RawFrame>();
        while (true)
        {
            var frame = await client.NextAsync();
            if (frame.Op == 0) frames.Add(frame);
            if (frame.Seq == seq) return frames;
        }
    }
}
