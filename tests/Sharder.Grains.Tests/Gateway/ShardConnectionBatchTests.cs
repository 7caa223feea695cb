using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>The delivery loop hands the sink what is buffered as one batch, within its bounds, never waiting for more.</summary>
public sealed class ShardConnectionBatchTests
{
    [Fact]
    public async Task Events_buffered_while_the_sink_is_busy_go_in_one_batch_in_order()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Sink.Block();
        connection.SendDispatch(2);
        await Waits.UntilAsync(() => harness.Sink.WaitingCalls == 1, "event 2 is held in the sink");

        for (var sequence = 3; sequence <= 40; sequence++)
        {
            connection.SendDispatch(sequence);
        }

        await Waits.UntilAsync(() => harness.Shard.Status.LastSequence == 40, "events 3 to 40 are buffered");
        Assert.Equal(1, harness.Shard.Status.LastDeliveredSequence);
        harness.Sink.Release();

        await Waits.UntilAsync(() => harness.Shard.Status.LastDeliveredSequence == 40, "every event was delivered");
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), harness.Sink.DeliveredSequences);
        Assert.Equal([1, 1, 38], harness.Sink.BatchSizes); // READY alone, the held event, then the rest at once
    }

    [Fact]
    public async Task A_single_event_goes_at_once_without_waiting_for_a_batch_to_fill()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        // The fake clock never moves: a timer waiting for more events would hold the event forever.
        connection.SendDispatch(2);
        await Waits.UntilAsync(() => harness.Shard.Status.LastDeliveredSequence == 2, "event 2 was delivered");
        connection.SendDispatch(3);
        await Waits.UntilAsync(() => harness.Shard.Status.LastDeliveredSequence == 3, "event 3 was delivered");

        Assert.Equal([1, 1, 1], harness.Sink.BatchSizes);
    }

    [Fact]
    public async Task A_batch_stops_at_the_byte_bound_and_a_larger_event_goes_alone()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        var quarter = Data((int)(ShardDelivery.MaxBatchBytes / 4) - 200);
        var oversized = Data((int)ShardDelivery.MaxBatchBytes + 1000);
        harness.Sink.Block();
        connection.SendDispatch(2);
        await Waits.UntilAsync(() => harness.Sink.WaitingCalls == 1, "event 2 is held in the sink");

        for (var sequence = 3; sequence <= 8; sequence++)
        {
            connection.SendDispatch(sequence, data: quarter);
        }

        connection.SendDispatch(9, data: oversized);
        connection.SendDispatch(10);
        await Waits.UntilAsync(() => harness.Shard.Status.LastSequence == 10, "events 3 to 10 are buffered");
        harness.Sink.Release();

        await Waits.UntilAsync(() => harness.Shard.Status.LastDeliveredSequence == 10, "every event was delivered");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), harness.Sink.DeliveredSequences);
        Assert.Equal([1, 1, 4, 2, 1, 1], harness.Sink.BatchSizes); // four quarters fit 1 MiB; the oversized event alone
    }

    private static string Data(int size) => $$"""{"guild_id":"81384788765712384","content":"{{new string('x', size)}}"}""";
}
