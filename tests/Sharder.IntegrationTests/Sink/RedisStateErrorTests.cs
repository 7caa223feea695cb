using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// Redis state that is lost, rolled back or refuses writes, against a real redis-server per test (restarts,
/// CONFIG and ACL changes disturb no other test): the shard goes on, a marker explains, problems are surfaced.
/// </summary>
public sealed class RedisStateErrorTests : IAsyncLifetime
{
    private const int Shard = 1;
    private const string Prefix = "state";
    private const string EventsKey = "state:events";

    private static readonly TimeSpan _recoveryTimeout = TimeSpan.FromSeconds(15);

    private readonly RedisServer _server = new();
    private ConnectionMultiplexer _connection = null!;
    private RedisEventPublisher _publisher = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        await _server.StartAsync();
        _connection = await TestRedis.ConnectAsync(_server.ConnectionString, allowAdmin: true);
        _publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = Prefix });
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RedisRestartedWithoutPersistence_TheShardGoesOnAfterAMarker()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 9);

        await _server.StopAsync();
        await _server.StartAsync();
        await shard.DeliverAsync("s1", 10, 12);

        var values = await ReadAsync(EventsKey);
        Assert.Equal(
            """{"shard":1,"marker":"resynced","session":"s1","seq":9,"checkpoint_session":null,"checkpoint_seq":null}""", values[0]);
        Assert.Equal(TestEvents.Range(10, 12), await TestEvents.ReadSequencesAsync(Database, EventsKey));
        Assert.Equal(("s1", 12L), await CheckpointAsync());
        Assert.Null(shard.Sink.Problem);
        Assert.Contains(shard.Measurements(), m => m.Instrument == "sharder.sink.resyncs");
    }

    [Fact]
    public async Task RedisRestartedFromAnOlderSnapshot_TheShardResyncsStatingBothPositions()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 4);
        await SnapshotAsync();
        var dump = Path.Combine(_server.DataDirectory!, "dump.rdb");
        var older = Path.Combine(_server.DataDirectory!, "older.rdb");
        File.Copy(dump, older);
        await shard.DeliverAsync("s1", 5, 9);

        await _server.StopAsync();
        File.Copy(older, dump, overwrite: true);
        await _server.StartAsync();
        await shard.DeliverAsync("s1", 10, 11);

        var values = await ReadAsync(EventsKey);
        Assert.Equal(
            """{"shard":1,"marker":"resynced","session":"s1","seq":9,"checkpoint_session":"s1","checkpoint_seq":4}""", values[5]);
        Assert.Equal([.. TestEvents.Range(0, 4), .. TestEvents.Range(10, 11)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
        Assert.Equal(("s1", 11L), await CheckpointAsync());
    }

    [Fact]
    public async Task RedisRestartedFromAnOlderSnapshot_WhileTheShardResumes_TheResumeResyncsFirst()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 4);
        await SnapshotAsync();
        var dump = Path.Combine(_server.DataDirectory!, "dump.rdb");
        var older = Path.Combine(_server.DataDirectory!, "older.rdb");
        File.Copy(dump, older);
        await shard.DeliverAsync("s1", 5, 9);

        await _server.StopAsync();
        File.Copy(older, dump, overwrite: true);
        await _server.StartAsync();
        var resumed = new SessionStart { ShardId = Shard, SessionId = "s1", Resumed = true, StartId = "resume-1" };
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await shard.Sink.OnSessionStartedAsync(resumed, CancellationToken.None);
                    return true;
                }
                catch (RedisUnavailableException)
                {
                    return false;
                }
            },
            _recoveryTimeout,
            "the resume reaches Redis");
        await shard.DeliverAsync("s1", 10, 10);

        var values = await ReadAsync(EventsKey);
        Assert.Equal(
            """{"shard":1,"marker":"resynced","session":"s1","seq":9,"checkpoint_session":"s1","checkpoint_seq":4}""", values[5]);
        Assert.Equal("""{"shard":1,"marker":"resumed","session":"s1","seq":9}""", values[6]);
        Assert.Equal([.. TestEvents.Range(0, 4), 10L], await TestEvents.ReadSequencesAsync(Database, EventsKey));
        Assert.Equal(("s1", 10L), await CheckpointAsync());
    }

    [Fact]
    public async Task RedisRestartedFromASnapshotOfAnEarlierSessionWithTheSameId_NothingIsDropped()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("same", "start-1");
        await shard.DeliverAsync("same", 0, 30);
        await SnapshotAsync();
        var dump = Path.Combine(_server.DataDirectory!, "dump.rdb");
        var older = Path.Combine(_server.DataDirectory!, "older.rdb");
        File.Copy(dump, older);

        // A new Identify hands back the same session id; then Redis comes back with the first start's seq 30.
        await shard.IdentifiedAsync("same", "start-2");
        await shard.DeliverAsync("same", 0, 3);
        await _server.StopAsync();
        File.Copy(older, dump, overwrite: true);
        await _server.StartAsync();
        await shard.DeliverAsync("same", 4, 6);

        var values = await ReadAsync(EventsKey);
        Assert.Equal(
            """{"shard":1,"marker":"resynced","session":"same","seq":3,"checkpoint_session":"same","checkpoint_seq":30}""", values[31]);
        Assert.Equal([.. TestEvents.Range(0, 30), .. TestEvents.Range(4, 6)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task OutOfMemory_IsSurfaced_AndTheEventIsKeptUntilMemoryIsFreed()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 2);
        var server = _connection.GetServer(_server.ConnectionString);
        await server.ConfigSetAsync("maxmemory-policy", "noeviction");
        await server.ConfigSetAsync("maxmemory", "1");

        var refused = await Assert.ThrowsAsync<RedisRefusedException>(
            () => shard.Sink.DeliverAsync(new[] { SinkHarness.Dispatch("s1", 3) }, CancellationToken.None).AsTask());
        var problem = shard.Sink.Problem;
        var posted = shard.Board.Get(Shard);
        await server.ConfigSetAsync("maxmemory", "0");
        await shard.DeliverAsync("s1", 3, 4);

        Assert.Equal("OOM", refused.ReasonCode);
        Assert.Contains(("sharder.sink.refusals", 1L, "reason=OOM"), shard.Measurements());
        Assert.NotNull(problem);
        Assert.Equal(("OOM", false), (problem.Reason, problem.Transient));
        Assert.Same(problem, posted);
        Assert.StartsWith("shard 1 cannot deliver to Redis (OOM)", problem.Describe(problem.Since), StringComparison.Ordinal);
        Assert.Null(shard.Sink.Problem);
        Assert.Null(shard.Board.Get(Shard));
        Assert.Equal(TestEvents.Range(0, 4), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task NoPermissionToPush_IsSurfaced_AndTheEventIsKeptUntilGranted()
    {
        var server = _connection.GetServer(_server.ConnectionString);
        await server.ExecuteAsync("ACL", "SETUSER", "sink", "on", ">sink-password", "~*", "&*", "+@all", "-rpush");
        var options = ConfigurationOptions.Parse(_server.ConnectionString);
        options.User = "sink";
        options.Password = "sink-password";
        await using var limited = await ConnectionMultiplexer.ConnectAsync(options);
        var publisher = new RedisEventPublisher(limited, new RedisOutputOptions { KeyPrefix = Prefix });
        using var shard = await SinkHarness.StartAsync(publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");

        var refused = await Assert.ThrowsAsync<RedisRefusedException>(
            () => shard.Sink.DeliverAsync(new[] { SinkHarness.Dispatch("s1", 0) }, CancellationToken.None).AsTask());
        var problem = shard.Sink.Problem;
        await server.ExecuteAsync("ACL", "SETUSER", "sink", "+rpush");
        await shard.DeliverAsync("s1", 0, 1);

        Assert.Equal("NOPERM", refused.ReasonCode);
        Assert.Equal(("NOPERM", false), (problem?.Reason, problem?.Transient));
        Assert.Null(shard.Sink.Problem);
        Assert.Equal(TestEvents.Range(0, 1), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task ListOfAnotherType_ItsEventsAreDeadLettered_AndTheShardMovesOn()
    {
        using var shard = await SinkHarness.StartAsync(_publisher, Shard);
        await shard.IdentifiedAsync("s1", "start-1");
        await shard.DeliverAsync("s1", 0, 1);
        await Database.KeyDeleteAsync(EventsKey);
        await Database.StringSetAsync(EventsKey, "not a list");

        await shard.DeliverAsync("s1", 2, 3);
        var checkpoint = await CheckpointAsync();
        await Database.KeyDeleteAsync(EventsKey);
        await shard.DeliverAsync("s1", 4, 4);

        var dead = await TestEvents.ReadJsonListAsync(Database, "state:events:dead");
        Assert.Equal([2L, 3L], dead.Select(e => e.GetProperty("seq").GetInt64()));
        var entry = dead[0];
        Assert.Equal(1, entry.GetProperty("shard").GetInt32());
        Assert.Equal("s1", entry.GetProperty("session").GetString());
        Assert.Equal("MESSAGE_CREATE", entry.GetProperty("type").GetString());
        Assert.Equal(EventsKey, entry.GetProperty("list").GetString());
        Assert.Equal("WRONGTYPE: state:events holds a string, not a list", entry.GetProperty("reason").GetString());
        Assert.True(entry.GetProperty("time").TryGetDateTimeOffset(out _));
        Assert.Contains("message 2", entry.GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Equal(("s1", 3L), checkpoint);
        Assert.Equal([4L], await TestEvents.ReadSequencesAsync(Database, EventsKey));
        Assert.Null(shard.Sink.Problem);
        var measurements = shard.Measurements();
        Assert.Equal(2, measurements.Where(m => m.Instrument == "sharder.sink.events.dead_lettered").Sum(m => m.Value));
        Assert.Contains(("sharder.sink.list.length", 1L, "list=events"), measurements);
    }

    [Fact]
    public async Task DeadLetter_CutsThePayloadTo4KiB()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await Database.StringSetAsync(EventsKey, "not a list");
        var big = TestEvents.Dispatch("s1", 0, data: JsonSerializer.Serialize(new { content = new string('é', 5000) }));

        var result = await _publisher.PublishAsync(Shard, epoch, "s1", null, [big]);

        Assert.Equal(new PublishResult(0, 0) { DeadLettered = 1 }, result with { Lists = [] });
        var entry = Assert.Single(await TestEvents.ReadJsonListAsync(Database, "state:events:dead"));
        var payload = entry.GetProperty("payload").GetString()!;
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(payload), 4095, 4096);
        Assert.StartsWith("{\"t\":\"MESSAGE_CREATE\",\"s\":0", payload, StringComparison.Ordinal);
    }

    /// <summary>SAVE: writes dump.rdb in the server's directory before answering (the next start loads it).</summary>
    private async Task SnapshotAsync()
        => Assert.Equal("OK", (string?)await _connection.GetServer(_server.ConnectionString).ExecuteAsync("SAVE"));

    private async Task<List<string>> ReadAsync(string key)
        => [.. (await Database.ListRangeAsync(key)).Select(v => (string)v!)];

    private async Task<(string?, long)> CheckpointAsync()
    {
        var checkpoint = await _publisher.ReadCheckpointAsync(Shard);
        return (checkpoint?.Session.SessionId, checkpoint?.Session.Sequence ?? -1);
    }
}
