using Sharder.Grains.Commands;
using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

/// <summary><see cref="ShardConnection.TryEnqueue"/>: never waits, keeps order, and hands back what it could not send.</summary>
public sealed class ShardConnectionEnqueueTests
{
    private const int PresenceOp = 3;

    [Fact]
    public async Task Enqueued_while_waiting_for_identify_returns_at_once_and_goes_out_in_order_after_READY()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        var results = Enumerable.Range(0, 5).Select(i => harness.Shard.TryEnqueue(Command($"c{i}"))).ToList();
        Assert.All(results, r => Assert.Equal(CommandEnqueueResult.Enqueued, r));
        Assert.Equal(0, connection.CountSent(PresenceOp));

        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => connection.CountSent(PresenceOp) == 5, "the five commands are sent");
        Assert.Equal(
            Enumerable.Range(0, 5).Select(i => $"c{i}"),
            connection.Sent.Where(p => p.Op == PresenceOp).Select(p => p.Data.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_full_queue_is_reported_not_awaited()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        for (int i = 0; i < ShardConnection.OutboundQueueLimit; i++)
        {
            Assert.Equal(CommandEnqueueResult.Enqueued, harness.Shard.TryEnqueue(Command($"c{i}")));
        }

        Assert.Equal(CommandEnqueueResult.QueueFull, harness.Shard.TryEnqueue(Command("one too many")));
    }

    [Fact]
    public async Task Invalid_payloads_are_refused()
    {
        await using var harness = new ShardHarness();
        harness.Start();

        Assert.Equal(CommandEnqueueResult.Invalid, harness.Shard.TryEnqueue(ReadOnlyMemory<byte>.Empty));
        Assert.Equal(CommandEnqueueResult.Invalid, harness.Shard.TryEnqueue(new byte[4097]));
    }

    [Fact]
    public async Task A_stopped_shard_hands_back_its_unsent_commands_in_order_and_takes_no_more()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);
        harness.Shard.TryEnqueue(Command("a"));
        harness.Shard.TryEnqueue(Command("b"));

        await harness.Shard.StopAsync(ShardStopMode.Resumable);

        Assert.Equal(
            [Encoding.UTF8.GetString(Command("a")), Encoding.UTF8.GetString(Command("b"))],
            harness.Shard.TakeUnsentCommands().Select(p => Encoding.UTF8.GetString(p.Span)));
        Assert.Empty(harness.Shard.TakeUnsentCommands());
        Assert.Equal(CommandEnqueueResult.Stopped, harness.Shard.TryEnqueue(Command("late")));
        Assert.Equal(0, connection.CountSent(PresenceOp));
    }

    [Fact]
    public async Task A_fatally_closed_shard_keeps_its_unsent_commands_and_refuses_new_ones_as_fatal()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);
        harness.Shard.TryEnqueue(Command("queued"));

        connection.CloseFromServer(4004, "Authentication failed.");
        await Assert.ThrowsAsync<GatewayFatalCloseException>(() => Waits.ForAsync(harness.Shard.Completion, "the shard to stop"));

        Assert.Equal(CommandEnqueueResult.FatallyClosed, harness.Shard.TryEnqueue(Command("after")));
        Assert.Equal([Encoding.UTF8.GetString(Command("queued"))], harness.Shard.TakeUnsentCommands().Select(p => Encoding.UTF8.GetString(p.Span)));
    }

    private static byte[] Command(string status) =>
        Encoding.UTF8.GetBytes($$$"""{"op":3,"d":{"since":null,"activities":[],"status":"{{{status}}}","afk":false}}""");
}
