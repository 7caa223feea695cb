using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// Session starts as deviant gateways make them: READY numbered <c>s:0</c>, and the same session id handed
/// back on a new Identify. Every start begins with no sequence in the checkpoint; no event is dropped by
/// comparing sequences of two different starts.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisEventPublisherSessionStartTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 5;

    private readonly string _prefix = TestRedis.UniquePrefix("starts");
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
    public async Task SequenceZero_OfANewSession_IsPushed()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        var started = await _publisher.RecordMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s1", startId: "a"));

        var result = await _publisher.PublishAsync(
            Shard, epoch, "s1", null, TestEvents.Sequences("s1", 0, 3), new PublishPosition("a", started.Sequence));

        Assert.Equal(new MarkerResult(false, "a", -1, false), started);
        Assert.Equal(new PublishResult(4, 3), result with { Lists = [] });
        Assert.Equal(TestEvents.Range(0, 3), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task EmptyBatch_OfANewSession_LeavesSequenceZeroToCome()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s1", startId: "a"));

        var empty = await _publisher.PublishAsync(Shard, epoch, "s1", "wss://r", [], new PublishPosition("a", -1));
        var zero = await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 0, 0), new PublishPosition("a", -1));

        Assert.Equal(new PublishResult(0, -1), empty with { Lists = [] });
        Assert.Equal(new PublishResult(1, 0), zero with { Lists = [] });
    }

    [Fact]
    public async Task SessionIdHandedBackOnANewIdentify_StartsOver_WithAMarker()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("same", startId: "a"));
        await _publisher.PublishAsync(Shard, epoch, "same", null, TestEvents.Sequences("same", 0, 53), new PublishPosition("a", -1));

        var second = await _publisher.RecordMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("same", startId: "b"));
        var result = await _publisher.PublishAsync(
            Shard, epoch, "same", null, TestEvents.Sequences("same", 0, 5), new PublishPosition("b", second.Sequence));

        Assert.Equal(new MarkerResult(true, "b", -1, false), second);
        Assert.Equal(new PublishResult(6, 5), result with { Lists = [] });
        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal("""{"shard":5,"marker":"reidentified","session":"same","previous_session":"same","previous_seq":53}""", values[54]);
        Assert.Equal([.. TestEvents.Range(0, 53), .. TestEvents.Range(0, 5)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task RetryOfTheSameStart_ChangesNothing()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s1", startId: "a"));
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 0, 3), new PublishPosition("a", -1));

        var retry = await _publisher.RecordMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s1", startId: "a"));

        Assert.Equal(new MarkerResult(false, "a", 3, false), retry);
        Assert.Equal(4, await Database.ListLengthAsync(EventsKey));
    }

    [Fact]
    public async Task CheckpointOfAnotherStartWithTheSameSessionId_IsResynced_NotComparedBySequence()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("same", startId: "a"));
        await _publisher.PublishAsync(Shard, epoch, "same", null, TestEvents.Sequences("same", 0, 53), new PublishPosition("a", -1));

        // Start b of the same session id pushed 0..4, then Redis rolled back to start a's checkpoint (seq 53).
        var result = await _publisher.PublishAsync(
            Shard, epoch, "same", null, TestEvents.Sequences("same", 5, 7), new PublishPosition("b", 4));

        Assert.Equal(new PublishResult(3, 7) { Resynced = true }, result with { Lists = [] });
        Assert.Equal([.. TestEvents.Range(0, 53), .. TestEvents.Range(5, 7)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }
}
