using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionSinkTests
{
    private const int IntervalMs = 10_000;

    [Fact]
    public async Task Dispatches_reach_the_sink_raw_and_in_order()
    {
        await using var harness = new ShardHarness();
        harness.Start(shardId: 3, shardCount: 4);
        var connection = await harness.IdentifyAsync();
        const string Data = """{"guild_id":"81384788765712384","content":"h\u00e9llo","nested":{"guild_id":"1"}}""";

        connection.SendDispatch(2, "MESSAGE_CREATE", Data);
        connection.SendDispatch(3, "TYPING_START", """{"channel_id":"5"}""");
        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 3, "three events were delivered");

        var events = harness.Sink.Delivered;
        Assert.Equal(["READY", "MESSAGE_CREATE", "TYPING_START"], events.Select(e => e.EventType));
        var message = events[1];
        Assert.Equal("session-1", message.SessionId);
        Assert.Equal(2, message.Sequence);
        Assert.Equal(81384788765712384UL, message.GuildId);
        Assert.Equal($$"""{"t":"MESSAGE_CREATE","s":2,"op":0,"d":{{Data}}}""", message.Payload);
        Assert.Equal(Data, message.Data);
        Assert.Null(events[2].GuildId);
        Assert.Equal(3, harness.Shard.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task A_failing_sink_is_retried_and_no_event_is_skipped()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Sink.FailNext(3);

        connection.SendDispatch(2);
        connection.SendDispatch(3);

        await Waits.AdvanceUntilAsync(
            harness.Clock, TimeSpan.FromMilliseconds(50), () => harness.Sink.Delivered.Count == 3, "both events were delivered");
        Assert.Equal([1, 2, 3], harness.Sink.DeliveredSequences);
        // READY and its session start, three failures, then the two events: in one batch, or event 2 alone
        // (retried) and event 3 after it, depending on whether 3 was buffered when the first call started.
        Assert.Equal(2 + 3 + harness.Sink.BatchSizes.Count - 1, harness.Sink.Calls);
        Assert.Equal(2, harness.Sink.BatchSizes.Skip(1).Sum());
        Assert.Equal(3, harness.Shard.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task A_slow_sink_stops_the_reading_but_not_the_heartbeat()
    {
        await using var harness = new ShardHarness(o =>
        {
            o.SinkBufferLimit = 2;
            o.SinkStallTimeout = TimeSpan.FromMinutes(10);
        });
        harness.Start();
        var connection = await harness.IdentifyAsync(heartbeatMs: IntervalMs);
        harness.Sink.Block();

        for (var sequence = 2; sequence <= 11; sequence++)
        {
            connection.SendDispatch(sequence);
        }

        // One batch in the sink, two buffered, one held by the paused reader: the rest never read. The batch is
        // event 2 and whatever the reader put into the freed room while the delivery loop was taking it (CI saw 3).
        await Waits.UntilAsync(
            () => harness.Shard.Status is { ReadingPaused: true } && harness.Sink.WaitingCalls == 1
                && harness.Shard.Status.LastSequence == 1 + harness.Sink.HeldEvents + 2 + 1,
            "the reader paused with the buffer full");
        var lastRead = harness.Shard.Status.LastSequence;
        Assert.InRange(harness.Sink.HeldEvents, 1, 7); // events 2..8 at most: three of the ten stay outside the sink
        Assert.Equal(11 - lastRead, connection.PendingFrames);
        Assert.Equal(1, harness.Shard.Status.LastDeliveredSequence);

        // ACKs queue up behind the unread events, yet the paused connection is not taken for a zombie.
        for (var beat = 1; beat <= 6; beat++)
        {
            harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs));
            await Waits.UntilAsync(() => connection.CountSent(1) == beat, $"heartbeat {beat} was sent");
        }

        Assert.False(connection.ClosedByClient);
        Assert.Equal(11 - lastRead + 6, connection.PendingFrames); // the unread events and six ACKs

        harness.Sink.Release();

        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 11, "every event was delivered");
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), harness.Sink.DeliveredSequences);
        Assert.False(harness.Shard.Status.ReadingPaused);
        Assert.Empty(harness.Shard.Status.Reconnects);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs));
        await Waits.UntilAsync(() => connection.CountSent(1) == 7, "heartbeat 7 was sent");
        Assert.False(connection.ClosedByClient);
    }

    [Fact]
    public async Task A_stalled_sink_closes_resumably_and_resumes_from_the_last_delivered_event_once_it_recovers()
    {
        await using var harness = new ShardHarness(o =>
        {
            o.SinkBufferLimit = 2;
            o.SinkStallTimeout = TimeSpan.FromSeconds(30);
        });
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Sink.Block();
        connection.SendDispatch(2);
        await Waits.UntilAsync(() => harness.Sink.WaitingCalls == 1, "event 2 is held in the sink");

        // Only now can the buffer fill for good; a pause before (while the sink still took an event) ends at
        // once, and its stall timer must not be the one advanced past.
        harness.Clock.ForgetTimers();
        for (var sequence = 3; sequence <= 8; sequence++)
        {
            connection.SendDispatch(sequence);
        }

        await Waits.UntilAsync(() => harness.Shard.Status is { ReadingPaused: true, LastSequence: 5 }, "the reader paused with the buffer full");
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        harness.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        await Waits.UntilAsync(
            () => harness.Shard.Status.Reconnects.ContainsKey(ReconnectCause.SinkStalled),
            "the shard decided to resume and waits for the sink");
        Assert.Equal(GatewayState.Disconnected, harness.Shard.State);
        Assert.Single(harness.Server.ConnectAttempts);
        Assert.False(harness.Server.HasPendingConnection);

        harness.Sink.Release();

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.ResumeHost, next.Url!.Host);
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal(2, resume.Data.GetProperty("seq").GetInt64());
        Assert.Equal([1, 2], harness.Sink.DeliveredSequences);
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.SinkStalled]);
    }

    [Fact]
    public async Task Undelivered_events_of_a_dead_session_are_still_delivered_before_the_new_one()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Sink.Block();
        connection.SendDispatch(2);
        connection.SendDispatch(3);
        await Waits.UntilAsync(() => harness.Shard.Status.LastSequence == 3, "both events were received");

        connection.CloseFromServer(4009);
        await Waits.UntilAsync(() => harness.Shard.Status.LastCloseCode == 4009, "the close was read");
        Assert.False(harness.Server.HasPendingConnection);
        harness.Sink.Release();

        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(2);
        next.SendReady("session-2", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => harness.Sink.Sessions.Count == 2, "the new session was reported");
        Assert.Equal([1, 2, 3], harness.Sink.DeliveredSequences.Take(3));
        Assert.Equal(3, harness.Sink.Sessions[1].Replaced?.Sequence);
    }
}
