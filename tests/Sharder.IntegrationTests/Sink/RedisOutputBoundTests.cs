using System.Text.Json;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary><c>Redis:Output:MaxLength</c>: the push trims the oldest entries, counts them and says so at a bounded rate.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisOutputBoundTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 2;

    private readonly string _prefix = TestRedis.UniquePrefix("bound");
    private readonly ManualClock _clock = new();
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    private string EventsKey => $"{_prefix}:events";

    public async Task InitializeAsync() => _connection = await TestRedis.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task Bound_TrimsTheOldest_CountsThem_AndMarksAtMostOncePerInterval()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix, MaxLength = 5 }, _clock);
        long epoch = await publisher.AcquireEpochAsync(Shard);

        var first = await publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 8));
        var afterFirst = await TestEvents.ReadJsonListAsync(Database, EventsKey);
        var second = await publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 9, 10));
        long lengthAfterSecond = await Database.ListLengthAsync(EventsKey);
        _clock.Advance(RedisEventPublisher.TrimmedMarkerInterval);
        var third = await publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 11, 11));
        var afterThird = await TestEvents.ReadJsonListAsync(Database, EventsKey);

        Assert.Equal(new OutputListState("events", 5, 3), Assert.Single(first.Lists));
        Assert.Equal([4L, 5L, 6L, 7L, 8L], afterFirst.Take(5).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(Marker(3), afterFirst[5].GetRawText());

        // 5 + the marker + 2 = 8, trimmed to 5 (7, 8, marker, 9, 10): no marker within the interval.
        Assert.Equal(new OutputListState("events", 5, 3), Assert.Single(second.Lists));
        Assert.Equal(5, lengthAfterSecond);

        // The next marker carries everything trimmed since the last one.
        Assert.Equal(new OutputListState("events", 5, 1), Assert.Single(third.Lists));
        Assert.Equal(Marker(4), afterThird[^1].GetRawText());
        Assert.Equal([8L, 9L, 10L, 11L], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task NoBound_ByDefault_ListsGrow_AndReportTheirLength()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix }, _clock);
        long epoch = await publisher.AcquireEpochAsync(Shard);

        await publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 8));
        var result = await publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 9, 9));

        Assert.Equal(new OutputListState("events", 9, 0), Assert.Single(result.Lists));
        Assert.Equal(9, await Database.ListLengthAsync(EventsKey));
    }

    private string Marker(long trimmed)
        => $$"""{"marker":"trimmed","list":{{JsonSerializer.Serialize(EventsKey)}},"trimmed":{{trimmed}},"max_length":5}""";

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
