using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionHeartbeatTests
{
    private const int IntervalMs = 40_000;

    [Fact]
    public async Task First_heartbeat_waits_interval_times_jitter_and_carries_the_last_sequence()
    {
        await using var harness = new ShardHarness { Random = new FixedRandom(0.25) };
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello(IntervalMs);
        await connection.NextSentAsync(2);
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(IntervalMs * 0.25));
        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        await harness.DeliverAsync(connection, 2, 3);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.Equal(0, connection.CountSent(1));

        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var first = await connection.NextSentAsync(1);
        Assert.Equal(3, first.Data.GetInt64());
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(IntervalMs));

        connection.SendDispatch(4);
        await Waits.UntilAsync(() => harness.Shard.Status.LastSequence == 4, "sequence 4 was received");
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs - 1));
        Assert.Equal(1, connection.CountSent(1));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await connection.NextSentAsync(1);
        Assert.Equal(4, second.Data.GetInt64());
    }

    [Fact]
    public async Task Heartbeat_before_any_dispatch_carries_null()
    {
        await using var harness = new ShardHarness { Random = new FixedRandom(0) };
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();

        connection.SendHello(IntervalMs);

        var beat = await connection.NextSentAsync(1);
        Assert.Equal(JsonValueKind.Null, beat.Data.ValueKind);
    }

    [Fact]
    public async Task A_heartbeat_request_is_answered_at_once()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync(heartbeatMs: IntervalMs);
        await harness.DeliverAsync(connection, 2);

        connection.SendHeartbeatRequest();

        var beat = await connection.NextSentAsync(1);
        Assert.Equal(2, beat.Data.GetInt64());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Acknowledged_heartbeats_keep_the_connection_and_measure_latency()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync(heartbeatMs: IntervalMs);

        for (var beat = 1; beat <= 5; beat++)
        {
            harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs));
            await Waits.UntilAsync(() => connection.CountSent(1) == beat, $"heartbeat {beat} was sent");

            // Fake time jumps a whole interval at once: let the ACK be read first, as the network would.
            await Waits.UntilAsync(() => harness.Shard.Status.LastHeartbeatAck == harness.Clock.GetUtcNow(), $"ACK {beat} was read");
        }

        Assert.False(connection.ClosedByClient);
        Assert.Equal(GatewayState.Active, harness.Shard.State);
        Assert.Equal(TimeSpan.Zero, harness.Shard.Status.Latency);
        Assert.Empty(harness.Shard.Status.Reconnects);
    }

    [Fact]
    public async Task A_missed_ack_closes_the_zombie_with_4000_and_resumes()
    {
        await using var harness = new ShardHarness { Random = new FixedRandom(0.25) };
        harness.Start();
        var connection = await harness.IdentifyAsync(heartbeatMs: IntervalMs);
        connection.AutoAckHeartbeats = false;
        await harness.DeliverAsync(connection, 2);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs / 4));
        await connection.NextSentAsync(1);
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(IntervalMs));

        // Other traffic does not count as liveness: only an ACK does.
        await harness.DeliverAsync(connection, 3);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs));

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        Assert.Equal(1, connection.CountSent(1));
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.ResumeHost, next.Url!.Host);
        next.SendHello(IntervalMs);
        var resume = await next.NextSentAsync(6);
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(3, resume.Data.GetProperty("seq").GetInt64());
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.ZombieConnection]);
    }

    [Fact]
    public async Task A_late_ack_before_the_next_beat_is_not_a_zombie()
    {
        await using var harness = new ShardHarness { Random = new FixedRandom(0) };
        harness.Start();
        var connection = await harness.IdentifyAsync(heartbeatMs: IntervalMs);
        connection.AutoAckHeartbeats = false;

        // Jitter 0: the first heartbeat went out with Hello; its ACK is the automatic one, so ask again.
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(IntervalMs));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs));
        await Waits.UntilAsync(() => connection.CountSent(1) == 2, "the second heartbeat was sent");
        harness.Clock.Advance(TimeSpan.FromMilliseconds(IntervalMs - 1));
        connection.SendJson("""{"t":null,"s":null,"op":11,"d":null}""");
        await Waits.UntilAsync(() => harness.Shard.Status.Latency > TimeSpan.Zero, "the late ACK was read");
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));

        await Waits.UntilAsync(() => connection.CountSent(1) == 3, "the third heartbeat was sent");
        Assert.False(connection.ClosedByClient);
        Assert.Equal(TimeSpan.FromMilliseconds(IntervalMs - 1), harness.Shard.Status.Latency);
    }
}
