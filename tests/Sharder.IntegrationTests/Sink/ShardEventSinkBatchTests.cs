using Sharder.Grains.Diagnostics;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>The sink given whole batches, as the delivery loop hands them over, against a real redis-server.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ShardEventSinkBatchTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 4;

    private readonly string _prefix = TestRedis.UniquePrefix("sinkbatch");
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestRedis.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task A_retried_batch_that_overlaps_the_last_one_repeats_nothing()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix });
        using var shard = await SinkHarness.StartAsync(publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");

        await shard.DeliverBatchAsync("s1", 0, 299);
        await shard.DeliverBatchAsync("s1", 150, 499); // a retry after an ambiguous failure, with more buffered since

        Assert.Equal(TestEvents.Range(0, 499), await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events"));
        var checkpoint = await publisher.ReadCheckpointAsync(Shard);
        Assert.Equal(499, checkpoint!.Session.Sequence);
        Assert.Equal(300 + 350, shard.Measurements().Where(m => m.Instrument == InstrumentNames.SinkEventsPublished).Sum(m => m.Value));
    }

    [Fact]
    public async Task In_a_batch_the_events_bound_for_a_list_of_another_type_are_dead_lettered_and_the_rest_pushed_in_order()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix, Layout = EventListLayout.PerEventType });
        using var shard = await SinkHarness.StartAsync(publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await Database.StringSetAsync($"{_prefix}:events:TYPING_START", "not a list");
        static string TypeOf(long sequence) => sequence % 3 == 0 ? "TYPING_START" : "MESSAGE_CREATE";

        await shard.DeliverBatchAsync("s1", 1, 30, TypeOf);

        var dead = await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events:dead");
        Assert.Equal(TestEvents.Range(1, 30).Where(s => TypeOf(s) == "TYPING_START"), dead.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(
            TestEvents.Range(1, 30).Where(s => TypeOf(s) == "MESSAGE_CREATE"),
            await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:MESSAGE_CREATE"));
        Assert.Equal(30, (await publisher.ReadCheckpointAsync(Shard))!.Session.Sequence);
        Assert.Equal(10, shard.Measurements().Where(m => m.Instrument == InstrumentNames.SinkEventsDeadLettered).Sum(m => m.Value));
        Assert.Null(shard.Sink.Problem);
    }

    [Fact]
    public async Task A_batch_longer_than_the_list_bound_is_trimmed_to_its_newest_events()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix, MaxLength = 100 });
        using var shard = await SinkHarness.StartAsync(publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");

        await shard.DeliverBatchAsync("s1", 0, 249);

        var list = await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events");
        Assert.Equal(TestEvents.Range(150, 249), list.Where(e => !e.TryGetProperty("marker", out _)).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Contains(list, e => e.TryGetProperty("marker", out var kind) && kind.GetString() == "trimmed");
        Assert.Equal(249, (await publisher.ReadCheckpointAsync(Shard))!.Session.Sequence);
    }
}
