using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>A gateway that deviates from Discord (READY s:0, reused session ids, Identifies that never reach READY) cannot stall the shard.</summary>
public sealed class ShardConnectionDeviantGatewayTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Ready_numbered_zero_is_delivered_and_followed_by_every_event()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        connection.SendReady("session-1", ShardHarness.ResumeUrl, sequence: 0);
        await harness.DeliverAsync(connection, 1, 2);

        Assert.Equal([0L, 1, 2], harness.Sink.DeliveredSequences);
        Assert.Equal(GatewayState.Active, harness.Shard.State);
        Assert.Equal(2, harness.Shard.ExportSession()!.Sequence);
        Assert.Equal(2, harness.Shard.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task After_ready_zero_the_resume_and_heartbeats_carry_zero_not_null()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);
        connection.SendReady("session-1", ShardHarness.ResumeUrl, sequence: 0);
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(0), "READY (s 0) was delivered");
        Assert.Equal(0, harness.Shard.Status.LastDeliveredSequence);

        connection.SendReconnect();
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello(ShardHarness.HeartbeatMs);

        var resume = await next.NextSentAsync(6);
        Assert.Equal(0, resume.Data.GetProperty("seq").GetInt64());
        await Waits.AdvanceUntilAsync(harness.Clock, s_step, () => next.CountSent(1) > 0, "a heartbeat was sent");
        var beat = next.Sent.First(p => p.Op == 1);
        Assert.Equal(JsonValueKind.Number, beat.Data.ValueKind);
        Assert.Equal(0, beat.Data.GetInt64());
    }

    [Fact]
    public async Task A_negative_sequence_is_malformed_and_the_shard_resumes()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.SendDispatch(-5);

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        Assert.DoesNotContain(-5L, harness.Sink.DeliveredSequences);
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(6);
    }

    [Fact]
    public async Task A_reused_session_id_is_a_new_start_and_delivery_is_tracked_from_scratch()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync("same-id");
        await harness.DeliverAsync(connection, 2, 3, 4, 5);
        connection.SendInvalidSession(resumable: false);
        Assert.Equal(1000, await connection.ClientCloseCodeAsync());

        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(2);
        next.SendReady("same-id", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => harness.Sink.Sessions.Count == 2, "the second start was reported");
        next.SendDispatch(2);
        next.SendDispatch(3);
        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 8, "the new session's events were delivered");

        var (first, second) = (harness.Sink.Sessions[0], harness.Sink.Sessions[1]);
        Assert.False(second.Resumed);
        Assert.Equal("same-id", second.SessionId);
        Assert.NotEqual(first.StartId, second.StartId);
        Assert.Equal(16, second.StartId.Length);
        Assert.Equal("same-id", second.Replaced?.SessionId);
        Assert.Equal(5, second.Replaced?.Sequence);
        Assert.Equal([1L, 2, 3, 4, 5, 1, 2, 3], harness.Sink.DeliveredSequences);
        Assert.Equal(3, harness.Shard.ExportSession()!.Sequence);
        Assert.Equal(3, harness.Shard.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task The_reconnect_backoff_resets_once_a_connection_got_hello()
    {
        await using var harness = new ShardHarness();
        harness.Server.Refuse(_ => true, 4);
        harness.Start();
        await Waits.AdvanceUntilAsync(harness.Clock, s_step, () => harness.Server.HasPendingConnection, "the fifth attempt connects");
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        var closedAt = harness.Clock.GetUtcNow();
        connection.SendInvalidSession(resumable: false);
        await connection.ClientCloseCodeAsync();
        await Waits.AdvanceUntilAsync(harness.Clock, TimeSpan.FromMilliseconds(50), () => harness.Server.HasPendingConnection, "the shard identifies again");

        // The first delay (1 s with equal jitter at 0.5: 0.75 s), not the fifth (8 s ceiling).
        Assert.InRange(harness.Clock.GetUtcNow() - closedAt, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Identifies_ending_without_ready_back_off_after_three_and_say_so()
    {
        await using var harness = new ShardHarness(o =>
        {
            o.IdentifyFailureBackoffBase = TimeSpan.FromSeconds(10);
            o.IdentifyFailureBackoffMax = TimeSpan.FromSeconds(15);
        });
        harness.Gate.ReportFailure = new InvalidOperationException("the coordinator is unreachable");
        harness.Start();
        var gaps = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var connection = await harness.Server.NextConnectionAsync();
            connection.SendHello();
            await connection.NextSentAsync(2);

            // A bad token closed with 4000 (resumable by its code) instead of 4004.
            connection.CloseFromServer(4000, "Authentication failed");
            await Waits.UntilAsync(() => harness.Shard.Status.IdentifyFailures == attempt, $"identify failure {attempt} was counted");
            var endedAt = harness.Clock.GetUtcNow();
            if (attempt == 3)
            {
                // The failure is counted a moment before the disconnect path reaches its state: wait for that too.
                await Waits.UntilAsync(() => harness.Shard.Status.State == GatewayState.Disconnected, "the shard waits out its backoff disconnected");
                Assert.Equal(endedAt + TimeSpan.FromSeconds(10), harness.Shard.Status.IdentifyBackoffUntil);
            }

            await Waits.AdvanceUntilAsync(harness.Clock, s_step, () => harness.Server.HasPendingConnection, $"attempt {attempt + 1} connects");
            gaps.Add(harness.Clock.GetUtcNow() - endedAt);
        }

        Assert.All(gaps.Take(2), gap => Assert.InRange(gap, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.InRange(gaps[2], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        Assert.InRange(gaps[3], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(17));
        Assert.InRange(gaps[4], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(17));
        Assert.Equal(5, harness.Gate.Failed.Count);
        Assert.Equal([1, 2, 3, 4, 5], harness.Metrics.IdentifyFailures.Select(f => f.ConsecutiveFailures));
        Assert.Equal([false, false, true, true, true], harness.Metrics.IdentifyFailures.Select(f => f.Backoff > TimeSpan.Zero));
        Assert.False(harness.Shard.Completion.IsCompleted);
        Assert.Contains(harness.Logger.Lines, line => line.Contains("could not report a failed Identify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ready_ends_the_run_of_identify_failures()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var first = await harness.Server.NextConnectionAsync();
        first.SendHello();
        await first.NextSentAsync(2);
        first.SendInvalidSession(resumable: false);
        await Waits.UntilAsync(() => harness.Shard.Status.IdentifyFailures == 1, "the failure was counted");
        await Waits.AdvanceUntilAsync(harness.Clock, s_step, () => harness.Server.HasPendingConnection, "the shard identifies again");

        await harness.IdentifyAsync();

        Assert.Equal(0, harness.Shard.Status.IdentifyFailures);
        Assert.Null(harness.Shard.Status.IdentifyBackoffUntil);
        Assert.Single(harness.Gate.Failed);
    }

    [Fact]
    public async Task The_sink_buffer_is_bounded_by_bytes_as_well_as_by_count()
    {
        await using var harness = new ShardHarness(o => o.SinkBufferBytes = 64 * 1024);
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Sink.Block();
        var content = new string('x', 20_000);

        for (var sequence = 2; sequence <= 11; sequence++)
        {
            connection.SendDispatch(sequence, data: $$"""{"content":"{{content}}"}""");
        }

        await Waits.UntilAsync(() => harness.Shard.Status.ReadingPaused, "reading paused on the byte bound");
        Assert.True(connection.PendingFrames > 0, "frames stay unread while the buffer is full by bytes");
        Assert.True(harness.Sink.WaitingCalls <= 1);

        harness.Sink.Release();
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(11), "every event was delivered");
        Assert.Equal(Enumerable.Range(1, 11).Select(s => (long)s), harness.Sink.DeliveredSequences);
    }

    [Fact]
    public async Task One_event_larger_than_the_byte_bound_still_goes_through()
    {
        await using var harness = new ShardHarness(o => o.SinkBufferBytes = 64 * 1024);
        harness.Start();
        var connection = await harness.IdentifyAsync();

        await harness.DeliverAsync(connection, 2);
        connection.SendDispatch(3, data: $$"""{"content":"{{new string('y', 100_000)}}"}""");
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(3), "the large event was delivered");
        await harness.DeliverAsync(connection, 4);
    }
}
