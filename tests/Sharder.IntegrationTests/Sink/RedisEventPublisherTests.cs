using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Exactly-once pushes, the checkpoint and lifecycle markers, against a real redis-server.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisEventPublisherTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 3;

    private readonly string _prefix = TestRedis.UniquePrefix("publisher");
    private ConnectionMultiplexer _connection = null!;
    private RedisEventPublisher _publisher = null!;

    private IDatabase Database => _connection.GetDatabase();

    private string EventsKey => $"{_prefix}:events";

    public async Task InitializeAsync()
    {
        _connection = await TestRedis.ConnectAsync(redis.ConnectionString, allowAdmin: true);
        _publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix });
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task OverlappingBatches_PushEverySequenceOnce()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);

        var first = await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 10));
        var second = await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 5, 15));

        Assert.Equal(new PublishResult(10, 10), first with { Lists = [] });
        Assert.Equal(new PublishResult(5, 15), second with { Lists = [] });
        Assert.Equal(TestEvents.Range(1, 15), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task SameBatchRetried_PushesNothingTheSecondTime()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        var batch = TestEvents.Sequences("s1", 1, 10);

        await _publisher.PublishAsync(Shard, epoch, "s1", null, batch);
        var retry = await _publisher.PublishAsync(Shard, epoch, "s1", null, batch);

        Assert.Equal(new PublishResult(0, 10), retry with { Lists = [] });
        Assert.Equal(10, await Database.ListLengthAsync(EventsKey));
    }

    [Fact]
    public async Task Checkpoint_ReflectsSessionSequenceResumeUrlAndEpoch()
    {
        Assert.Null(await _publisher.ReadCheckpointAsync(Shard));
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        Assert.Null(await _publisher.ReadCheckpointAsync(Shard));

        await _publisher.PublishAsync(Shard, epoch, "s1", "wss://resume.example/a", TestEvents.Sequences("s1", 1, 7));
        var afterFirst = await _publisher.ReadCheckpointAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 8, 9));
        var afterSecond = await _publisher.ReadCheckpointAsync(Shard);

        Assert.Equal(new ShardCheckpoint(new ShardSession("s1", 7, "wss://resume.example/a"), epoch), afterFirst);
        Assert.Equal(new ShardCheckpoint(new ShardSession("s1", 9, "wss://resume.example/a"), epoch), afterSecond);
        Assert.Null(await _publisher.ReadCheckpointAsync(Shard + 1));
    }

    [Fact]
    public async Task EmptyBatch_StoresResumeUrlAndKeepsSequence()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 4));

        var result = await _publisher.PublishAsync(Shard, epoch, "s1", "wss://resume.example/b", []);

        Assert.Equal(new PublishResult(0, 4), result with { Lists = [] });
        Assert.Equal("wss://resume.example/b", (await _publisher.ReadCheckpointAsync(Shard))!.Session.ResumeUrl);
    }

    [Fact]
    public async Task Reidentified_ResetsCheckpoint_ThenNewSessionPushesFromOne()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", "wss://old", TestEvents.Sequences("s1", 1, 15));

        bool pushed = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s2", "wss://new"));
        var reset = await _publisher.ReadCheckpointAsync(Shard);
        var result = await _publisher.PublishAsync(Shard, epoch, "s2", null, TestEvents.Sequences("s2", 1, 3));

        Assert.True(pushed);
        Assert.Equal(new ShardCheckpoint(new ShardSession("s2", 0, "wss://new"), epoch), reset);
        Assert.Equal(new PublishResult(3, 3), result with { Lists = [] });
        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal(19, values.Count);
        Assert.Equal("""{"shard":3,"marker":"reidentified","session":"s2","previous_session":"s1","previous_seq":15}""", values[15]);
        Assert.Equal([.. TestEvents.Range(1, 15), .. TestEvents.Range(1, 3)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
        var sessions = (await TestEvents.ReadJsonListAsync(Database, EventsKey))
            .Where(e => e.TryGetProperty("seq", out _) && !e.TryGetProperty("marker", out _))
            .Select(e => e.GetProperty("session").GetString());
        Assert.Equal([.. Enumerable.Repeat("s1", 15), .. Enumerable.Repeat("s2", 3)], sessions);
    }

    [Fact]
    public async Task Reidentified_Repeated_ChangesNothingMore()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 5));
        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s2"));
        await _publisher.PublishAsync(Shard, epoch, "s2", null, TestEvents.Sequences("s2", 1, 2));

        bool pushedAgain = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s2"));

        Assert.False(pushedAgain);
        Assert.Equal(8, await Database.ListLengthAsync(EventsKey));
        Assert.Equal(2, (await _publisher.ReadCheckpointAsync(Shard))!.Session.Sequence);
    }

    [Fact]
    public async Task Reidentified_WithoutEarlierSession_StartsCheckpointSilently()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);

        bool pushed = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Reidentified("s1", "wss://r"));

        Assert.False(pushed);
        Assert.Equal(0, await Database.ListLengthAsync(EventsKey));
        Assert.Equal(new ShardCheckpoint(new ShardSession("s1", 0, "wss://r"), epoch), await _publisher.ReadCheckpointAsync(Shard));
    }

    [Fact]
    public async Task Resumed_ReportsCheckpointSequence_OncePerPosition()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 41));

        bool first = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Resumed("s1", 41, "wss://r2"));
        bool repeated = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Resumed("s1", 41));
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 42, 42));
        bool later = await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Resumed("s1", 40));

        Assert.True(first);
        Assert.False(repeated);
        Assert.True(later);
        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal("""{"shard":3,"marker":"resumed","session":"s1","seq":41}""", values[41]);
        Assert.Equal("""{"shard":3,"marker":"resumed","session":"s1","seq":42}""", values[^1]);
        Assert.Equal(44, values.Count);
        Assert.Equal(new ShardCheckpoint(new ShardSession("s1", 42, "wss://r2"), epoch), await _publisher.ReadCheckpointAsync(Shard));
    }

    [Fact]
    public async Task Resumed_WithoutCheckpoint_AdoptsCallersSequence()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);

        await _publisher.PublishMarkerAsync(Shard, epoch, ShardLifecycleMarker.Resumed("s9", 120));
        var result = await _publisher.PublishAsync(Shard, epoch, "s9", null, TestEvents.Sequences("s9", 118, 123));

        Assert.Equal(new PublishResult(3, 123), result with { Lists = [] });
        Assert.Equal(TestEvents.Range(121, 123), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task PublishForAnotherSession_ResyncsWithAMarkerStatingBothPositions_AndPushesEverything()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 4));

        // The shard runs s2 and pushed up to seq 0 of it; Redis rolled back to when the checkpoint held s1.
        var result = await _publisher.PublishAsync(
            Shard, epoch, "s2", null, TestEvents.Sequences("s2", 1, 2), new PublishPosition("start-2", 0));
        var checkpoint = await _publisher.ReadCheckpointAsync(Shard);
        var next = await _publisher.PublishAsync(
            Shard, epoch, "s2", null, TestEvents.Sequences("s2", 3, 3), new PublishPosition("start-2", 2));

        Assert.Equal(new PublishResult(2, 2) { Resynced = true }, result with { Lists = [] });
        Assert.Equal(new PublishResult(1, 3), next with { Lists = [] });
        Assert.Equal(("s2", 2L), (checkpoint!.Session.SessionId, checkpoint.Session.Sequence));
        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal(
            """{"shard":3,"marker":"resynced","session":"s2","seq":0,"checkpoint_session":"s1","checkpoint_seq":4}""", values[4]);
        Assert.Equal([.. TestEvents.Range(1, 4), .. TestEvents.Range(1, 3)], await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task ResumedForAnotherSession_ResyncsAtTheResumeSequence_ThenMarksTheResume()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 4));

        var result = await _publisher.RecordMarkerAsync(Shard, epoch, ShardLifecycleMarker.Resumed("s2", 9));
        var pushed = await _publisher.PublishAsync(Shard, epoch, "s2", null, TestEvents.Sequences("s2", 8, 11));

        Assert.Equal(new MarkerResult(true, null, 9, true), result);
        var values = (await Database.ListRangeAsync(EventsKey)).Select(v => (string)v!).ToList();
        Assert.Equal(
            """{"shard":3,"marker":"resynced","session":"s2","seq":9,"checkpoint_session":"s1","checkpoint_seq":4}""", values[4]);
        Assert.Equal("""{"shard":3,"marker":"resumed","session":"s2","seq":9}""", values[5]);
        Assert.Equal(new PublishResult(2, 11), pushed with { Lists = [] });
    }

    [Fact]
    public async Task CheckpointBelowTheWritersPosition_IsRolledBack_AndResynced()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 4), new PublishPosition("a", -1));
        await Database.HashSetAsync($"{_prefix}:shard:{Shard}:checkpoint", "seq", 2);

        var result = await _publisher.PublishAsync(
            Shard, epoch, "s1", null, TestEvents.Sequences("s1", 5, 6), new PublishPosition("a", 4));

        Assert.Equal(new PublishResult(2, 6) { Resynced = true }, result with { Lists = [] });
        var marker = (string?)await Database.ListGetByIndexAsync(EventsKey, 4);
        Assert.Equal("""{"shard":3,"marker":"resynced","session":"s1","seq":4,"checkpoint_session":"s1","checkpoint_seq":2}""", marker);
        Assert.Equal(TestEvents.Range(1, 6), await TestEvents.ReadSequencesAsync(Database, EventsKey));
    }

    [Fact]
    public async Task BatchWithEventOfAnotherSession_IsRejectedBeforeRedis()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        List<ShardDispatch> batch = [TestEvents.Dispatch("s1", 1), TestEvents.Dispatch("other", 2)];

        await Assert.ThrowsAsync<ArgumentException>(() => _publisher.PublishAsync(Shard, epoch, "s1", null, batch));

        Assert.Null(await _publisher.ReadCheckpointAsync(Shard));
    }

    [Fact]
    public async Task ScriptFlushed_IsLoadedAgain()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 1, 2));
        var server = _connection.GetServer(redis.ConnectionString);
        var sha = Convert.FromHexString(RedisScripts.Publish.Sha1);
        Assert.True(await server.ScriptExistsAsync(sha));

        await server.ScriptFlushAsync();
        var result = await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 3, 4));
        long evalshaBefore = await EvalshaCallsAsync(server);
        await _publisher.PublishAsync(Shard, epoch, "s1", null, TestEvents.Sequences("s1", 5, 5));

        Assert.Equal(new PublishResult(2, 4), result with { Lists = [] });
        Assert.True(await server.ScriptExistsAsync(sha));
        Assert.Equal(evalshaBefore + 1, await EvalshaCallsAsync(server));
    }

    [Fact]
    public async Task ConcurrentShards_KeepTheirOwnCheckpoints()
    {
        var shards = Enumerable.Range(0, 8).ToList();
        var epochs = await Task.WhenAll(shards.Select(shard => _publisher.AcquireEpochAsync(shard)));

        await Task.WhenAll(shards.Select(async shard =>
        {
            for (long first = 1; first <= 50; first += 10)
            {
                await _publisher.PublishAsync(shard, epochs[shard], $"s{shard}", null, TestEvents.Sequences($"s{shard}", first, first + 9));
            }
        }));

        var envelopes = await TestEvents.ReadJsonListAsync(Database, EventsKey);
        Assert.Equal(400, envelopes.Count);
        foreach (var shard in shards)
        {
            var sequences = envelopes.Where(e => e.GetProperty("shard").GetInt32() == shard).Select(e => e.GetProperty("seq").GetInt64());
            Assert.Equal(TestEvents.Range(1, 50), sequences);
            Assert.Equal(50, (await _publisher.ReadCheckpointAsync(shard))!.Session.Sequence);
        }
    }

    [Fact]
    public async Task Payloads_AreStoredAsBytesNotReencoded()
    {
        long epoch = await _publisher.AcquireEpochAsync(Shard);
        const string Data = "{\"content\":\"caf\u00e9 \\u00e9 \ud83d\ude00\"}";

        await _publisher.PublishAsync(Shard, epoch, "s1", null, [TestEvents.Dispatch("s1", 1, data: Data)]);

        var stored = (byte[])(await Database.ListGetByIndexAsync(EventsKey, 0))!;
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Data)) > 0);
    }

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = "" }));

        Assert.Contains("Redis:Output:KeyPrefix", error.Message, StringComparison.Ordinal);
    }

    private static async Task<long> EvalshaCallsAsync(IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group);
        var evalsha = stats.Single(stat => stat.Key == "cmdstat_evalsha").Value;

        // "calls=12,usec=…"
        return long.Parse(evalsha.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
