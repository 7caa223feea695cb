using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionStopTests
{
    [Fact]
    public async Task Resumable_stop_closes_with_4000_and_keeps_the_session()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        await harness.DeliverAsync(connection, 2, 3);

        await Waits.ForAsync(harness.Shard.StopAsync(ShardStopMode.Resumable), "the stop");

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        Assert.Equal(GatewayState.Stopped, harness.Shard.State);
        Assert.True(harness.Shard.Completion.IsCompletedSuccessfully);
        Assert.Equal(
            new ShardSession("session-1", 3, ShardHarness.ResumeUrl),
            harness.Shard.ExportSession());
        Assert.Empty(harness.Shard.Status.Reconnects);
        Assert.Single(harness.Server.ConnectAttempts);
    }

    [Fact]
    public async Task Shutdown_stop_closes_with_1000_and_drops_the_session()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        await Waits.ForAsync(harness.Shard.StopAsync(ShardStopMode.Shutdown), "the stop");

        Assert.Equal(1000, await connection.ClientCloseCodeAsync());
        Assert.Equal(GatewayState.Stopped, harness.Shard.State);
        Assert.Null(harness.Shard.ExportSession());
    }

    [Fact]
    public async Task A_stopped_shard_refuses_commands_and_cannot_restart()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        await harness.IdentifyAsync();

        await Waits.ForAsync(harness.Shard.StopAsync(ShardStopMode.Resumable), "the stop");

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Shard.SendAsync("""{"op":3,"d":{}}"""u8.ToArray(), default).AsTask());
        Assert.Throws<InvalidOperationException>(harness.Shard.Start);
    }

    [Fact]
    public async Task Stopping_while_waiting_to_reconnect_ends_at_once()
    {
        await using var harness = new ShardHarness();
        harness.Server.Refuse(_ => true, 100);
        harness.Start();
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(750));

        await Waits.ForAsync(harness.Shard.StopAsync(ShardStopMode.Resumable), "the stop");

        Assert.Equal(GatewayState.Stopped, harness.Shard.State);
        Assert.Single(harness.Server.ConnectAttempts);
    }

    [Fact]
    public async Task Stop_before_start_completes()
    {
        await using var harness = new ShardHarness();
        var shard = harness.Create();

        await shard.StopAsync(ShardStopMode.Shutdown);

        Assert.Equal(GatewayState.Stopped, shard.State);
        Assert.True(shard.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_exported_session_resumes_in_a_new_connection_object_from_the_delivered_sequence()
    {
        await using var harness = new ShardHarness();
        var first = harness.Start(shardId: 1, shardCount: 2);
        var connection = await harness.IdentifyAsync();
        await harness.DeliverAsync(connection, 2);
        harness.Sink.Block();
        connection.SendDispatch(3);
        await Waits.UntilAsync(() => harness.Sink.WaitingCalls == 1, "event 3 is in the sink");
        connection.SendDispatch(4);
        await Waits.UntilAsync(() => harness.Shard.Status.LastSequence == 4, "event 4 was received");

        // Received is 4, delivered is 2: the hand-off must resume after 2 so 3 and 4 are replayed.
        var session = first.ExportSession();
        Assert.Equal(new ShardSession("session-1", 2, ShardHarness.ResumeUrl), session);
        var stopping = first.StopAsync(ShardStopMode.Resumable);
        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        await Waits.UntilAsync(() => first.State == GatewayState.Disconnected, "the first shard waits for the sink");
        harness.Sink.Release();
        await Waits.ForAsync(stopping, "the first shard to stop");
        session = first.ExportSession();
        Assert.Equal(3, session!.Sequence);

        var second = harness.Start(session, shardId: 1, shardCount: 2);
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.ResumeHost, next.Url!.Host);
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(3, resume.Data.GetProperty("seq").GetInt64());
        next.SendDispatch(4);
        next.SendResumed(5);
        await Waits.UntilAsync(() => second.State == GatewayState.Active, "the second shard resumed");
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(5), "RESUMED was delivered");
        Assert.Equal([1, 2, 3, 4, 5], harness.Sink.DeliveredSequences);
        Assert.Equal(1, harness.Gate.Calls);
        Assert.Equal(0, second.Status.Identifies);
    }

    [Fact]
    public async Task A_replayed_ready_of_the_resumed_session_is_delivered_but_starts_no_new_session()
    {
        await using var harness = new ShardHarness();
        var shard = harness.Start(new ShardSession("session-1", 0, ShardHarness.ResumeUrl));
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        var resume = await connection.NextSentAsync(6);
        Assert.Equal(0, resume.Data.GetProperty("seq").GetInt64());

        // Nothing was delivered, so the replay starts with READY itself.
        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        connection.SendDispatch(2);
        connection.SendResumed(3);

        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 3, "the replay and RESUMED were delivered");
        var start = Assert.Single(harness.Sink.Sessions);
        Assert.True(start.Resumed);
        Assert.Equal(1, shard.Status.Resumes);
        Assert.Equal(0, shard.Status.Identifies);
        Assert.Equal(GatewayState.Active, shard.State);
        Assert.Equal(3, shard.ExportSession()!.Sequence);
    }
}
