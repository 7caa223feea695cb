using System.Text;
using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Output formats, key layouts and the event-type filter.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisEventPublisherFormatTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _prefix = TestRedis.UniquePrefix("format");
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestRedis.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task SharderBinary_PushesFramePlusLittleEndianShardIdToFrom()
    {
        var publisher = Publisher(o => o.Format = RedisOutputFormat.SharderBinary);
        long epoch = await publisher.AcquireEpochAsync(258);
        var outbound = TestEvents.Dispatch("s1", 1);

        await publisher.PublishAsync(258, epoch, "s1", null, [outbound]);

        var stored = (byte[])(await Database.ListGetByIndexAsync($"{_prefix}:from", 0))!;
        Assert.Equal([.. outbound.Payload.ToArray(), 0x02, 0x01], stored);
        Assert.Equal(1, await Database.ListLengthAsync($"{_prefix}:from"));
    }

    [Fact]
    public async Task SharderBinary_DefaultPrefix_IsSharderFrom()
    {
        await Database.KeyDeleteAsync(["sharder:from", "sharder:shard:4:checkpoint"]);
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { Format = RedisOutputFormat.SharderBinary });
        long epoch = await publisher.AcquireEpochAsync(4);

        await publisher.PublishAsync(4, epoch, "s1", null, TestEvents.Sequences("s1", 1, 2));

        var stored = await Database.ListRangeAsync("sharder:from");
        Assert.Equal(2, stored.Length);
        Assert.All(stored, value => Assert.Equal(new byte[] { 4, 0 }, ((byte[])value!)[^2..]));
        await Database.KeyDeleteAsync(["sharder:from", "sharder:shard:4:checkpoint"]);
    }

    [Fact]
    public async Task SharderBinary_PushesNoMarkers_ButStillResetsTheCheckpoint()
    {
        var publisher = Publisher(o => o.Format = RedisOutputFormat.SharderBinary);
        long epoch = await publisher.AcquireEpochAsync(1);
        await publisher.PublishAsync(1, epoch, "s1", null, TestEvents.Sequences("s1", 1, 3));

        bool resumed = await publisher.PublishMarkerAsync(1, epoch, ShardLifecycleMarker.Resumed("s1", 3));
        bool reidentified = await publisher.PublishMarkerAsync(1, epoch, ShardLifecycleMarker.Reidentified("s2"));

        Assert.False(resumed);
        Assert.False(reidentified);
        Assert.Equal(3, await Database.ListLengthAsync($"{_prefix}:from"));
        Assert.Equal(new ShardCheckpoint(new ShardSession("s2", 0, null), epoch), await publisher.ReadCheckpointAsync(1));
    }

    [Fact]
    public async Task Envelope_ParsesAsJson_WithDataByteIdenticalToTheFrame()
    {
        var publisher = Publisher();
        long epoch = await publisher.AcquireEpochAsync(3);
        const string Data = "{\"guild_id\":\"41771983423143937\", \"content\": \"h\\u00e9 \\\"x\\\"\",\"n\":1.50}";
        var outbound = TestEvents.Dispatch("sess-a", 42, "MESSAGE_CREATE", 41771983423143937, Data);

        await publisher.PublishAsync(3, epoch, "sess-a", null, [outbound]);

        var stored = (byte[])(await Database.ListGetByIndexAsync($"{_prefix}:events", 0))!;
        using var document = JsonDocument.Parse(stored);
        var root = document.RootElement;
        Assert.Equal(3, root.GetProperty("shard").GetInt32());
        Assert.Equal(42, root.GetProperty("seq").GetInt64());
        Assert.Equal("MESSAGE_CREATE", root.GetProperty("t").GetString());
        Assert.Equal("sess-a", root.GetProperty("session").GetString());
        Assert.Equal("41771983423143937", root.GetProperty("guild_id").GetString());
        Assert.Equal(outbound.Data.ToArray(), Encoding.UTF8.GetBytes(root.GetProperty("d").GetRawText()));
    }

    [Fact]
    public async Task Envelope_WithoutGuild_HasNoGuildId()
    {
        var publisher = Publisher();
        long epoch = await publisher.AcquireEpochAsync(3);

        await publisher.PublishAsync(3, epoch, "s1", null, [TestEvents.Dispatch("s1", 1, "MESSAGE_CREATE", guildId: null)]);

        var envelope = Assert.Single(await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events"));
        Assert.False(envelope.TryGetProperty("guild_id", out _));
    }

    [Fact]
    public async Task PerEventType_EachTypeOnItsList_MarkersOnLifecycle()
    {
        var publisher = Publisher(o => o.Layout = EventListLayout.PerEventType);
        long epoch = await publisher.AcquireEpochAsync(2);
        List<ShardDispatch> batch =
        [
            TestEvents.Dispatch("s1", 1, "GUILD_CREATE", 10),
            TestEvents.Dispatch("s1", 2, "MESSAGE_CREATE", 10),
            TestEvents.Dispatch("s1", 3, "MESSAGE_CREATE", 11),
        ];

        await publisher.PublishAsync(2, epoch, "s1", null, batch);
        await publisher.PublishMarkerAsync(2, epoch, ShardLifecycleMarker.Reidentified("s2"));

        Assert.Equal([1L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:GUILD_CREATE"));
        Assert.Equal([2L, 3L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:MESSAGE_CREATE"));
        var marker = Assert.Single(await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events:_lifecycle"));
        Assert.Equal("reidentified", marker.GetProperty("marker").GetString());
        Assert.Equal(3, marker.GetProperty("previous_seq").GetInt64());
        Assert.False(await Database.KeyExistsAsync($"{_prefix}:events"));
    }

    [Fact]
    public async Task GuildPartitioned_ByGuildShiftModulo_DmsOnZero_MarkersOnEveryPartition()
    {
        var publisher = Publisher(o =>
        {
            o.Layout = EventListLayout.GuildPartitioned;
            o.Partitions = 4;
        });
        long epoch = await publisher.AcquireEpochAsync(0);
        ulong guildOn1 = (5UL << 22) | 123; // 5 % 4 = 1
        ulong guildOn3 = (7UL << 22) | 999; // 7 % 4 = 3
        List<ShardDispatch> batch =
        [
            TestEvents.Dispatch("s1", 1, "MESSAGE_CREATE", guildOn1),
            TestEvents.Dispatch("s1", 2, "MESSAGE_CREATE", guildOn3),
            TestEvents.Dispatch("s1", 3, "MESSAGE_CREATE", guildId: null),
            TestEvents.Dispatch("s1", 4, "MESSAGE_UPDATE", guildOn1),
            TestEvents.Dispatch("s1", 5, "MESSAGE_DELETE", guildOn1),
        ];

        await publisher.PublishAsync(0, epoch, "s1", null, batch);
        await publisher.PublishMarkerAsync(0, epoch, ShardLifecycleMarker.Resumed("s1", 5));

        Assert.Equal([3L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:0"));
        Assert.Equal([1L, 4L, 5L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:1"));
        Assert.Empty(await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:2"));
        Assert.Equal([2L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events:3"));
        for (int partition = 0; partition < 4; partition++)
        {
            var last = (await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events:{partition}"))[^1];
            Assert.Equal("resumed", last.GetProperty("marker").GetString());
            Assert.Equal(5, last.GetProperty("seq").GetInt64());
        }
    }

    [Fact]
    public async Task DenyList_DropsTypingStart_ButTheCheckpointPassesIt()
    {
        var publisher = Publisher(o => o.DeniedEventTypes.Add("TYPING_START"));
        long epoch = await publisher.AcquireEpochAsync(1);

        var first = await publisher.PublishAsync(1, epoch, "s1", null,
            [TestEvents.Dispatch("s1", 1), TestEvents.Dispatch("s1", 2, "TYPING_START")]);
        var onlyDenied = await publisher.PublishAsync(1, epoch, "s1", null, [TestEvents.Dispatch("s1", 3, "TYPING_START")]);
        var replay = await publisher.PublishAsync(1, epoch, "s1", null,
            [TestEvents.Dispatch("s1", 3, "TYPING_START"), TestEvents.Dispatch("s1", 4)]);

        Assert.Equal(new PublishResult(1, 2), first with { Lists = [] });
        Assert.Equal(new PublishResult(0, 3), onlyDenied with { Lists = [] });
        Assert.Equal(new PublishResult(1, 4), replay with { Lists = [] });
        Assert.Equal([1L, 4L], await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events"));
        Assert.Equal(4, (await publisher.ReadCheckpointAsync(1))!.Session.Sequence);
    }

    [Fact]
    public async Task AllowList_PushesOnlyListedTypes()
    {
        var publisher = Publisher(o =>
        {
            o.AllowedEventTypes.Add("MESSAGE_CREATE");
            o.AllowedEventTypes.Add("GUILD_CREATE");
        });
        long epoch = await publisher.AcquireEpochAsync(1);

        var result = await publisher.PublishAsync(1, epoch, "s1", null,
        [
            TestEvents.Dispatch("s1", 1, "GUILD_CREATE"),
            TestEvents.Dispatch("s1", 2, "PRESENCE_UPDATE"),
            TestEvents.Dispatch("s1", 3, "MESSAGE_CREATE"),
            TestEvents.Dispatch("s1", 4, "TYPING_START"),
        ]);

        Assert.Equal(new PublishResult(2, 4), result with { Lists = [] });
        var types = (await TestEvents.ReadJsonListAsync(Database, $"{_prefix}:events")).Select(e => e.GetProperty("t").GetString());
        Assert.Equal(["GUILD_CREATE", "MESSAGE_CREATE"], types);
    }

    private RedisEventPublisher Publisher(Action<RedisOutputOptions>? configure = null)
    {
        var options = new RedisOutputOptions { KeyPrefix = _prefix };
        configure?.Invoke(options);
        return new RedisEventPublisher(_connection, options);
    }
}
