using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionCommandTests
{
    private const int PresenceOp = 3;

    [Fact]
    public async Task A_command_over_4096_bytes_is_rejected_locally()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        var oversized = Command(new string('x', 4097 - Command("").Length));
        var error = await Assert.ThrowsAsync<GatewayCommandTooLargeException>(() => harness.Shard.SendAsync(oversized, default).AsTask());

        Assert.Equal(4097, error.Size);
        Assert.Equal(4096, error.Limit);
        Assert.Contains("4097", error.Message, StringComparison.Ordinal);
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
        await harness.Shard.SendAsync(Command(new string('x', 4096 - Command("").Length)), default);
        Assert.Equal(1, connection.CountSent(PresenceOp));
    }

    [Fact]
    public async Task Commands_wait_for_the_rate_limiter()
    {
        // 10 per minute, 3 reserved for heartbeats and Identify (41.25 s interval): 7 commands at once.
        await using var harness = new ShardHarness(o => o.CommandsPerMinute = 10);
        harness.Start();
        var connection = await harness.IdentifyAsync();

        var sends = Enumerable.Range(0, 9).Select(i => harness.Shard.SendAsync(Command($"c{i}"), default).AsTask()).ToArray();

        await Waits.UntilAsync(() => connection.CountSent(PresenceOp) == 7, "seven commands were sent");
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(60));
        harness.Clock.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(7, connection.CountSent(PresenceOp));
        Assert.All(sends.Take(7), s => Assert.True(s.IsCompletedSuccessfully));
        Assert.False(sends[7].IsCompleted);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));

        await Waits.ForAsync(Task.WhenAll(sends), "every command to be sent");
        Assert.Equal(
            Enumerable.Range(0, 9).Select(i => $"c{i}"),
            connection.Sent.Where(p => p.Op == PresenceOp).Select(p => p.Data.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Commands_sent_while_disconnected_wait_for_the_next_session()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        var send = harness.Shard.SendAsync(Command("early"), default).AsTask();
        Assert.False(send.IsCompleted);
        Assert.Equal(0, connection.CountSent(PresenceOp));

        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        await Waits.ForAsync(send, "the command to be sent after READY");
        var sent = await connection.NextSentAsync(PresenceOp);
        Assert.Equal("early", sent.Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Commands_queued_during_a_reconnect_go_out_on_the_resumed_session()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        connection.SendReconnect();
        await connection.ClientCloseCodeAsync();

        var send = harness.Shard.SendAsync(Command("later"), default).AsTask();
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(6);
        Assert.Equal(0, next.CountSent(PresenceOp));
        next.SendResumed(2);

        await Waits.ForAsync(send, "the command on the resumed session");
        Assert.Equal(1, next.CountSent(PresenceOp));
        Assert.Equal(0, connection.CountSent(PresenceOp));
    }

    [Fact]
    public async Task A_cancelled_command_that_was_not_sent_is_skipped()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);
        using var cancel = new CancellationTokenSource();
        var cancelled = harness.Shard.SendAsync(Command("cancelled"), cancel.Token).AsTask();
        var kept = harness.Shard.SendAsync(Command("kept"), default).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        connection.SendReady("session-1", ShardHarness.ResumeUrl);

        await Waits.ForAsync(kept, "the kept command");
        Assert.Equal(["kept"], connection.Sent.Where(p => p.Op == PresenceOp).Select(p => p.Data.GetProperty("status").GetString()));
    }

    private static byte[] Command(string status) =>
        Encoding.UTF8.GetBytes($$$"""{"op":3,"d":{"since":null,"activities":[],"status":"{{{status}}}","afk":false}}""");
}
