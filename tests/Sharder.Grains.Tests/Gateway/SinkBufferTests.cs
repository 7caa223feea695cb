using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>
/// The read loop → delivery loop buffer: order, bounds, waiting on both sides, completion, and that a
/// drained burst gives its channel (and the array it grew) back.
/// </summary>
public sealed class SinkBufferTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_drained_burst_larger_than_the_kept_size_renews_the_channel_and_keeps_the_order()
    {
        var buffer = new SinkBuffer(4_096);
        const int burst = 2_500; // a READY burst of GUILD_CREATEs
        for (int i = 1; i <= burst; i++)
        {
            Assert.True(buffer.TryWrite(Item(i)));
        }

        Assert.Equal(burst, buffer.Count);
        for (int i = 1; i <= burst; i++)
        {
            Assert.True(buffer.TryRead(out var item));
            Assert.Equal(i, item.Dispatch.Sequence);
        }

        Assert.Equal(1, buffer.Renewals);
        Assert.Equal(0, buffer.Count);

        // The new channel works like the old one.
        Assert.True(buffer.TryWrite(Item(burst + 1)));
        Assert.True(buffer.TryPeek(out var peeked));
        Assert.Equal(burst + 1, peeked.Dispatch.Sequence);
        Assert.True(buffer.TryRead(out var next));
        Assert.Equal(burst + 1, next.Dispatch.Sequence);
        Assert.Equal(1, buffer.Renewals);
    }

    [Fact]
    public void Events_one_at_a_time_or_in_small_bursts_keep_the_channel()
    {
        var buffer = new SinkBuffer(4_096);
        long sequence = 0;
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < SinkBuffer.KeptItems; i++)
            {
                Assert.True(buffer.TryWrite(Item(++sequence)));
            }

            while (buffer.TryRead(out _))
            {
            }
        }

        Assert.Equal(0, buffer.Renewals);
    }

    [Fact]
    public void A_burst_is_not_renewed_while_items_remain()
    {
        var buffer = new SinkBuffer(4_096);
        for (int i = 1; i <= 100; i++)
        {
            Assert.True(buffer.TryWrite(Item(i)));
        }

        for (int i = 1; i < 100; i++)
        {
            Assert.True(buffer.TryRead(out _));
            Assert.True(buffer.TryWrite(Item(100 + i))); // the writer keeps up: never empty
        }

        Assert.Equal(0, buffer.Renewals);
        Assert.Equal(100, buffer.Count);
    }

    [Fact]
    public async Task A_full_buffer_refuses_writes_and_a_read_releases_the_waiting_writer()
    {
        var buffer = new SinkBuffer(3);
        for (int i = 1; i <= 3; i++)
        {
            Assert.True(buffer.TryWrite(Item(i)));
        }

        Assert.False(buffer.TryWrite(Item(4)));
        var room = buffer.WaitToWriteAsync(CancellationToken.None).AsTask();
        Assert.False(room.IsCompleted);

        Assert.True(buffer.TryRead(out _));

        Assert.True(await room.WaitAsync(Generous));
        Assert.True(buffer.TryWrite(Item(4)));
    }

    [Fact]
    public async Task The_reader_waiting_after_a_renewal_is_woken_by_the_next_write()
    {
        var buffer = new SinkBuffer(4_096);
        for (int i = 1; i <= SinkBuffer.KeptItems + 1; i++)
        {
            Assert.True(buffer.TryWrite(Item(i)));
        }

        while (buffer.TryRead(out _))
        {
        }

        Assert.Equal(1, buffer.Renewals);
        var ready = buffer.WaitToReadAsync(CancellationToken.None).AsTask();
        Assert.False(ready.IsCompleted);

        Assert.True(buffer.TryWrite(Item(99)));

        Assert.True(await ready.WaitAsync(Generous));
        Assert.True(buffer.TryRead(out var item));
        Assert.Equal(99, item.Dispatch.Sequence);
    }

    [Fact]
    public async Task After_completion_the_reader_drains_what_is_left_then_sees_the_end_and_writes_are_refused()
    {
        var buffer = new SinkBuffer(4_096);
        for (int i = 1; i <= 100; i++)
        {
            Assert.True(buffer.TryWrite(Item(i)));
        }

        buffer.Complete();

        Assert.False(buffer.TryWrite(Item(101)));
        Assert.False(await buffer.WaitToWriteAsync(CancellationToken.None).AsTask().WaitAsync(Generous));
        for (int i = 1; i <= 100; i++)
        {
            Assert.True(await buffer.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Generous));
            Assert.True(buffer.TryRead(out var item));
            Assert.Equal(i, item.Dispatch.Sequence);
        }

        // Completed, so the drained channel is not replaced by an open one.
        Assert.Equal(0, buffer.Renewals);
        Assert.False(await buffer.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Generous));
    }

    [Fact]
    public async Task A_writer_and_a_reader_on_their_own_threads_pass_every_item_in_order()
    {
        var buffer = new SinkBuffer(64);
        const int total = 20_000;
        var writer = Task.Run(async () =>
        {
            for (int i = 1; i <= total; i++)
            {
                while (!buffer.TryWrite(Item(i)))
                {
                    Assert.True(await buffer.WaitToWriteAsync(CancellationToken.None));
                }

                if (i % 500 == 0)
                {
                    await Task.Yield(); // let the reader drain now and then, so bursts end and channels renew
                }
            }

            buffer.Complete();
        });

        var reader = Task.Run(async () =>
        {
            long expected = 1;
            while (await buffer.WaitToReadAsync(CancellationToken.None))
            {
                while (buffer.TryRead(out var item))
                {
                    Assert.Equal(expected++, item.Dispatch.Sequence);
                }
            }

            return expected - 1;
        });

        await writer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(total, await reader.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private static SinkItem Item(long sequence)
        => new(new ShardDispatch("s1", sequence, "GUILD_CREATE", null, "{}"u8.ToArray(), 0..2), generation: 1);
}
