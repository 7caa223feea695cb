using Sharder.Client.Consuming;
using Sharder.Client.Messages;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>The reliable consumer against a real redis-server: ack, crash and redelivery, dedupe.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ReliableConsumerTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(30);

    private readonly string _list = TestEnvelopes.UniquePrefix("consumer") + ":events";
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestEnvelopes.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task Ack_RemovesTheEntryFromTheProcessingList()
    {
        await PushEventsAsync(0, "s", 1, 3);
        await using var consumer = await StartAsync("acker");

        var batch = await consumer.ReceiveAsync().WaitAsync(_wait);

        Assert.Equal([1L, 2L, 3L], batch.Select(d => d.Event!.Sequence));
        Assert.Equal(3, await Database.ListLengthAsync(consumer.Keys.Processing("acker")));
        Assert.Equal(0, await Database.ListLengthAsync(_list));
        Assert.True(await consumer.AckAsync(batch[1]));
        Assert.Equal(2, await Database.ListLengthAsync(consumer.Keys.Processing("acker")));
        Assert.Equal(2, await consumer.AckAsync([batch[0], batch[2]]));
        Assert.Equal(0, await Database.ListLengthAsync(consumer.Keys.Processing("acker")));
        Assert.Equal(0, consumer.InFlight);
        Assert.False(await consumer.AckAsync(batch[1]));
    }

    [Fact]
    public async Task ConsumerKilledMidBatch_ReaperRedeliversEverythingUnacknowledged_NothingLost()
    {
        const int total = 300;
        await PushEventsAsync(0, "s0", 1, total / 2);
        await PushEventsAsync(1, "s1", 1, total / 2);
        var handled = new HashSet<(int, long)>();

        // The victim takes a batch, handles and acknowledges part of it, then dies without a word.
        var victim = await StartAsync("victim", lease: TimeSpan.FromMilliseconds(900), maxBatch: 50);
        var taken = await victim.ReceiveAsync().WaitAsync(_wait);
        Assert.Equal(50, taken.Count);
        foreach (var delivery in taken.Take(20))
        {
            handled.Add((delivery.Event!.Shard, delivery.Event.Sequence));
        }

        Assert.Equal(20, await victim.AckAsync(taken.Take(20)));
        var handledButNotAcked = taken.Skip(20).Take(5).Select(d => (d.Event!.Shard, d.Event.Sequence)).ToList();
        await victim.DisposeAsync();
        Assert.Equal(30, await Database.ListLengthAsync(victim.Keys.Processing("victim")));

        // The survivor reaps the victim once its lease is gone and ends up with every entry.
        await using var survivor = await StartAsync("survivor", lease: TimeSpan.FromSeconds(5), maxBatch: 40, reapInterval: TimeSpan.FromMilliseconds(100));
        int redelivered = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                var batch = await ReceiveOrEmptyAsync(survivor);
                foreach (var delivery in batch)
                {
                    var key = (delivery.Event!.Shard, delivery.Event.Sequence);
                    redelivered += handledButNotAcked.Contains(key) ? 1 : 0;
                    handled.Add(key);
                }

                await survivor.AckAsync(batch);
                return handled.Count == total;
            },
            _wait,
            $"the survivor handled all {total} events");

        Assert.Equal(5, redelivered); // at least once: handled by the victim, never acknowledged, handled again
        Assert.Equal(0, await Database.ListLengthAsync(_list));
        Assert.Equal(0, await Database.ListLengthAsync(survivor.Keys.Processing("victim")));
        Assert.Equal(0, await Database.ListLengthAsync(survivor.Keys.Processing("survivor")));
        Assert.False(await Database.SetContainsAsync(survivor.Keys.Consumers, "victim"));
    }

    [Fact]
    public async Task RedeliveredDuplicates_AreDroppedAndAcknowledged()
    {
        await PushEventsAsync(2, "s", 1, 10);
        await Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(2, "s", 3));
        await Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(2, "s", 7));
        await using var consumer = await StartAsync("dedupe", maxBatch: 5);

        var sequences = new List<long>();
        await Eventually.TrueAsync(
            async () =>
            {
                var batch = await ReceiveOrEmptyAsync(consumer);
                sequences.AddRange(batch.Select(d => d.Event!.Sequence));
                await consumer.AckAsync(batch);
                return consumer.Duplicates == 2;
            },
            _wait,
            "both duplicates were seen");

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), sequences);
        Assert.Equal(0, await Database.ListLengthAsync(consumer.Keys.Processing("dedupe")));
    }

    [Fact]
    public async Task ReidentifiedMarker_ResetsTheShardsWindow_SoAReusedSessionIdIsNew()
    {
        await Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(4, "same", 1));
        await Database.ListRightPushAsync(_list, "{\"shard\":4,\"marker\":\"reidentified\",\"session\":\"same\",\"previous_session\":\"same\",\"previous_seq\":1}");
        await Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(4, "same", 1));
        await using var consumer = await StartAsync("reset");

        var batch = await consumer.ReceiveAsync().WaitAsync(_wait);

        Assert.Equal(3, batch.Count);
        Assert.IsType<ReidentifiedMarker>(batch[1].Message);
        Assert.Equal(1, batch[2].Event!.Sequence);
        Assert.Equal(0, consumer.Duplicates);
    }

    [Fact]
    public async Task RestartUnderTheSameName_RecoversItsOwnUnacknowledgedEntriesFirst()
    {
        await PushEventsAsync(5, "s", 1, 6);
        var first = await StartAsync("stable", maxBatch: 4);
        var taken = await first.ReceiveAsync().WaitAsync(_wait);
        await first.AckAsync(taken[0]);
        await first.DisposeAsync();

        await using var second = await StartAsync("stable", maxBatch: 10);
        var recovered = await second.ReceiveAsync().WaitAsync(_wait);
        var rest = await second.ReceiveAsync().WaitAsync(_wait);

        Assert.All(recovered, d => Assert.True(d.Recovered));
        Assert.Equal([2L, 3L, 4L], recovered.Select(d => d.Event!.Sequence));
        Assert.All(rest, d => Assert.False(d.Recovered));
        Assert.Equal([5L, 6L], rest.Select(d => d.Event!.Sequence));
    }

    [Fact]
    public async Task CancelledReads_LoseNothing_TheEntryABlmoveLandedLateIsTakenBack()
    {
        const int total = 60;
        await using var consumer = await StartAsync("cancelled", maxBatch: 1);
        var random = new Random(7);
        var seen = new List<long>();
        int pushed = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                // Entries arrive while reads are being cancelled after a few milliseconds: some BLMOVEs move an
                // entry into the processing list after the caller stopped waiting for them.
                if (pushed < total)
                {
                    pushed++;
                    _ = Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(8, "s", pushed));
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 8)));
                try
                {
                    var batch = await consumer.ReceiveAsync(timeout.Token);
                    seen.AddRange(batch.Select(d => d.Event!.Sequence));
                    await consumer.AckAsync(batch);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                }

                return seen.Count >= total;
            },
            _wait,
            $"all {total} entries were received");

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seen.Order());
        Assert.Equal(0, await Database.ListLengthAsync(consumer.Keys.Processing("cancelled")));
        Assert.Equal(0, await Database.ListLengthAsync(_list));
    }

    [Fact]
    public async Task StalledConsumer_LosesItsEntriesToTheReaper_RegistersAgain_AndDropsThemAsDuplicates()
    {
        await PushEventsAsync(9, "s", 1, 4);
        await using var stalled = await StartAsync("stalled", lease: TimeSpan.FromMilliseconds(900), maxBatch: 4);
        var taken = await stalled.ReceiveAsync().WaitAsync(_wait);

        // A stall longer than the lease looks like this to everyone else: the lease key is gone.
        await Database.KeyDeleteAsync(stalled.Keys.Lease("stalled"));
        var reaped = await new ProcessingListReaper(_connection, _list).ReapAsync();

        Assert.Equal(4, reaped);
        Assert.Equal(4, await Database.ListLengthAsync(_list));
        await Eventually.TrueAsync(() => stalled.LeasesLost == 1, _wait, "the stalled consumer's renewal found its lease gone");
        await Eventually.TrueAsync(
            async () => await Database.SetContainsAsync(stalled.Keys.Consumers, "stalled") && await Database.KeyExistsAsync(stalled.Keys.Lease("stalled")),
            _wait,
            "it registered again with a new lease");

        // Back at work, it takes its own reaped entries again: the window drops them as the duplicates they are.
        await Eventually.TrueAsync(
            async () => (await ReceiveOrEmptyAsync(stalled)).Count == 0 && stalled.Duplicates == 4,
            _wait,
            "the stalled consumer dropped the 4 entries it already had");
        Assert.Equal(0, await Database.ListLengthAsync(_list));
        Assert.Equal(0, await Database.ListLengthAsync(stalled.Keys.Processing("stalled")));
        Assert.Equal(0, await stalled.AckAsync(taken)); // the duplicates were acknowledged when dropped
    }

    [Fact]
    public async Task Release_ReturnsUnacknowledgedEntriesToTheHeadInOrder()
    {
        await PushEventsAsync(6, "s", 1, 5);
        var consumer = await StartAsync("leaving", maxBatch: 3);
        var taken = await consumer.ReceiveAsync().WaitAsync(_wait);
        await consumer.AckAsync(taken[0]);

        Assert.Equal(2, await consumer.ReleaseAsync());
        await consumer.DisposeAsync();

        var left = await Database.ListRangeAsync(_list);
        Assert.Equal([2L, 3L, 4L, 5L], left.Select(v => ((SharderEvent)SharderMessageReader.Read((byte[])v!)).Sequence));
        Assert.False(await Database.KeyExistsAsync(consumer.Keys.Lease("leaving")));
        Assert.False(await Database.SetContainsAsync(consumer.Keys.Consumers, "leaving"));
    }

    [Fact]
    public async Task SimpleConsumer_PopsInOrder_AndReturnsNullWhenIdle()
    {
        await PushEventsAsync(7, "s", 1, 2);
        await using var consumer = await SimpleConsumer.ConnectAsync(
            ConfigurationOptions.Parse(redis.ConnectionString), [_list], TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, (await consumer.ReceiveAsync().WaitAsync(_wait))!.Event!.Sequence);
        Assert.Equal(2, (await consumer.ReceiveAsync().WaitAsync(_wait))!.Event!.Sequence);
        Assert.Null(await consumer.ReceiveAsync().WaitAsync(_wait));
    }

    [Fact]
    public void Options_NameEveryWrongSetting()
    {
        var options = new ReliableConsumerOptions { List = "a b", ConsumerName = "x y", Lease = TimeSpan.Zero, MaxBatch = 0 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("ReliableConsumerOptions.List", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReliableConsumerOptions.ConsumerName", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReliableConsumerOptions.Lease", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReliableConsumerOptions.MaxBatch", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<Delivery>> ReceiveOrEmptyAsync(ReliableConsumer consumer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            return await consumer.ReceiveAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return [];
        }
    }

    private Task<ReliableConsumer> StartAsync(string name, TimeSpan? lease = null, int maxBatch = 100, TimeSpan? reapInterval = null)
        => ReliableConsumer.StartAsync(_connection, new ReliableConsumerOptions
        {
            List = _list,
            ConsumerName = name,
            Lease = lease ?? TimeSpan.FromSeconds(30),
            ReapInterval = reapInterval ?? TimeSpan.FromSeconds(10),
            BlockTimeout = TimeSpan.FromMilliseconds(100),
            MaxBatch = maxBatch,
        });

    private async Task PushEventsAsync(int shard, string session, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
        {
            await Database.ListRightPushAsync(_list, TestEnvelopes.Envelope(shard, session, sequence));
        }
    }
}
