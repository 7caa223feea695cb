using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// The shard's sink as a deviant gateway drives it (READY numbered <c>s:0</c>, a session id handed back on a
/// new Identify), fed by hand-made session starts and dispatches, against a real redis-server.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ShardEventSinkTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 7;

    private readonly string _prefix = TestRedis.UniquePrefix("sink");
    private ConnectionMultiplexer _connection = null!;
    private RedisEventPublisher _publisher = null!;

    private IDatabase Database => _connection.GetDatabase();

    private string EventsKey => $"{_prefix}:events";

    public async Task InitializeAsync()
    {
        _connection = await TestRedis.ConnectAsync(redis.ConnectionString);
        _publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix });
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task ReadyNumberedZero_AndEverythingAfterIt_IsDeliveredOnce()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);

        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 20);

        Assert.Equal(TestEvents.Range(0, 20), await TestEvents.ReadSequencesAsync(Database, EventsKey));
        Assert.Equal(21, await Database.ListLengthAsync(EventsKey));
    }

    [Fact]
    public async Task SessionIdHandedBackOnANewIdentify_EveryEventIsDelivered_AfterAReidentifiedMarker()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("same", "start-1");
        await shard.DeliverAsync("same", 0, 53);

        await shard.IdentifiedAsync("same", "start-2");
        await shard.DeliverAsync("same", 0, 52);

        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal("""{"shard":7,"marker":"reidentified","session":"same","previous_session":"same","previous_seq":53}""", values[54]);
        Assert.Equal([.. TestEvents.Range(0, 53), .. TestEvents.Range(0, 52)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task ASessionStartRetried_WithoutAStartIdFromTheConnection_IsOneStart()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 3);
        var start = new SessionStart { ShardId = Shard, SessionId = "s2", Resumed = false };

        await shard.Sink.OnSessionStartedAsync(start, CancellationToken.None);
        await shard.DeliverAsync("s2", 0, 1);
        await shard.Sink.OnSessionStartedAsync(start, CancellationToken.None);
        await shard.DeliverAsync("s2", 2, 2);

        var markers = (await TestEvents.ReadJsonListAsync(Database, EventsKey)).Where(e => e.TryGetProperty("marker", out _)).ToList();
        Assert.Single(markers);
        Assert.Equal([.. TestEvents.Range(0, 3), .. TestEvents.Range(0, 2)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }
}
