using System.Buffers;
using System.Text;
using Sharder.Client.Messages;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>The client reads what the silo's real writer and push scripts put in Redis.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class EnvelopeReadingTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _prefix = TestEnvelopes.UniquePrefix("envelope");
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestEnvelopes.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task PublishedEvents_ReadBackWithEveryFieldAndDByteForByte()
    {
        var publisher = Publisher();
        long epoch = await publisher.AcquireEpochAsync(3);
        const string odd = "{\"content\":\"caf\\u00e9 \\\"quoted\\\" ✓\",\"nested\":{\"a\":[1,2,{\"b\":null}]},\"n\":1.5e3}";
        ShardDispatch[] batch =
        [
            TestEnvelopes.Dispatch("sess-1", 1, "GUILD_CREATE", guildId: 41771983423143937),
            TestEnvelopes.Dispatch("sess-1", 2, "MESSAGE_CREATE", data: odd),
            TestEnvelopes.Dispatch("sess-1", 3, "PRESENCE_UPDATE", data: "null"),
        ];

        await publisher.PublishAsync(3, epoch, "sess-1", null, batch);

        var entries = await Database.ListRangeAsync($"{_prefix}:events");
        Assert.Equal(3, entries.Length);
        for (int i = 0; i < batch.Length; i++)
        {
            var evt = Assert.IsType<SharderEvent>(SharderMessageReader.Read((byte[])entries[i]!));
            Assert.Equal(3, evt.Shard);
            Assert.Equal(batch[i].Sequence, evt.Sequence);
            Assert.Equal(batch[i].EventType, evt.Type);
            Assert.Equal("sess-1", evt.Session);
            Assert.Equal(batch[i].GuildId, evt.GuildId);
            Assert.Equal(batch[i].Data.ToArray(), evt.Data.ToArray());
        }

        var message = (SharderEvent)SharderMessageReader.Read((byte[])entries[1]!);
        Assert.Equal("café \"quoted\" ✓", message.DataString("content"));
        Assert.Equal(1500, message.DataElement().GetProperty("n").GetDouble());
        Assert.Null(message.GuildId);
    }

    [Fact]
    public void EnvelopeWriter_EscapedSessionAndType_ReadBack()
    {
        var outbound = TestEnvelopes.Dispatch("s\"é\\1", 9_007_199_254_740_993, "CUSTOM_\u00c9VENT", guildId: ulong.MaxValue, data: "[1,\"two\"]");
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteEnvelope(buffer, 65535, outbound);

        var evt = Assert.IsType<SharderEvent>(SharderMessageReader.Read(buffer.WrittenMemory));

        Assert.Equal(65535, evt.Shard);
        Assert.Equal("s\"é\\1", evt.Session);
        Assert.Equal(9_007_199_254_740_993, evt.Sequence);
        Assert.Equal("CUSTOM_\u00c9VENT", evt.Type);
        Assert.Equal(ulong.MaxValue, evt.GuildId);
        Assert.Equal("[1,\"two\"]"u8.ToArray(), evt.Data.ToArray());
    }

    [Fact]
    public async Task ReidentifiedAndResumedMarkers_ReadBack()
    {
        var publisher = Publisher();
        long epoch = await publisher.AcquireEpochAsync(5);
        await publisher.PublishAsync(5, epoch, "old", null, [TestEnvelopes.Dispatch("old", 1), TestEnvelopes.Dispatch("old", 2)]);
        Assert.True(await publisher.PublishMarkerAsync(5, epoch, ShardLifecycleMarker.Reidentified("new")));
        await publisher.PublishAsync(5, epoch, "new", null, [TestEnvelopes.Dispatch("new", 1)]);
        Assert.True(await publisher.PublishMarkerAsync(5, epoch, ShardLifecycleMarker.Resumed("new", 1)));

        var messages = await ReadAllAsync($"{_prefix}:events");

        var reidentified = Assert.IsType<ReidentifiedMarker>(messages[2]);
        Assert.Equal(MarkerKinds.Reidentified, reidentified.Kind);
        Assert.Equal(5, reidentified.Shard);
        Assert.Equal("new", reidentified.Session);
        Assert.Equal("old", reidentified.PreviousSession);
        Assert.Equal(2, reidentified.PreviousSequence);
        Assert.IsType<SharderEvent>(messages[3]);
        var resumed = Assert.IsType<ResumedMarker>(messages[4]);
        Assert.Equal(5, resumed.Shard);
        Assert.Equal("new", resumed.Session);
        Assert.Equal(1, resumed.Sequence);
    }

    [Fact]
    public async Task ResyncedMarker_AfterTheCheckpointVanished_ReadsBothPositions()
    {
        var publisher = Publisher();
        long epoch = await publisher.AcquireEpochAsync(7);
        await publisher.PublishAsync(7, epoch, "s", null, [TestEnvelopes.Dispatch("s", 1)], new PublishPosition("start", -1));
        await Database.KeyDeleteAsync($"{_prefix}:shard:7:checkpoint");

        await publisher.PublishAsync(7, epoch, "s", null, [TestEnvelopes.Dispatch("s", 2)], new PublishPosition("start", 1));

        var messages = await ReadAllAsync($"{_prefix}:events");
        var resynced = Assert.IsType<ResyncedMarker>(messages[1]);
        Assert.Equal(7, resynced.Shard);
        Assert.Equal("s", resynced.Session);
        Assert.Equal(1, resynced.Sequence);
        Assert.Null(resynced.CheckpointSession);
        Assert.Null(resynced.CheckpointSequence);
        Assert.Equal(2, Assert.IsType<SharderEvent>(messages[2]).Sequence);
    }

    [Fact]
    public async Task TrimmedMarker_FromTheLengthBound_ReadBack()
    {
        var publisher = Publisher(o => o.MaxLength = 5);
        long epoch = await publisher.AcquireEpochAsync(1);

        await publisher.PublishAsync(1, epoch, "s", null, [.. Enumerable.Range(1, 8).Select(i => TestEnvelopes.Dispatch("s", i))]);

        var trimmed = Assert.IsType<TrimmedMarker>((await ReadAllAsync($"{_prefix}:events"))[^1]);
        Assert.Equal(MarkerKinds.Trimmed, trimmed.Kind);
        Assert.Null(trimmed.Shard);
        Assert.Equal($"{_prefix}:events", trimmed.List);
        Assert.Equal(3, trimmed.Trimmed);
        Assert.Equal(5, trimmed.MaxLength);
    }

    [Fact]
    public async Task PerEventTypeLayout_EventsOnTheirListsAndMarkersOnLifecycle()
    {
        var publisher = Publisher(o => o.Layout = EventListLayout.PerEventType);
        long epoch = await publisher.AcquireEpochAsync(2);
        await publisher.PublishAsync(2, epoch, "a", null, [TestEnvelopes.Dispatch("a", 1, "TYPING_START")]);
        await publisher.PublishMarkerAsync(2, epoch, ShardLifecycleMarker.Reidentified("b"));

        var typing = Assert.IsType<SharderEvent>(Assert.Single(await ReadAllAsync($"{_prefix}:events:TYPING_START")));
        Assert.Equal("TYPING_START", typing.Type);
        Assert.IsType<ReidentifiedMarker>(Assert.Single(await ReadAllAsync($"{_prefix}:events:_lifecycle")));
    }

    [Fact]
    public void SharderBinary_FrameAndShardTrailer_ReadBack()
    {
        var outbound = TestEnvelopes.Dispatch("s", 42, "MESSAGE_CREATE", guildId: 1);
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteSharderBinary(buffer, 258, outbound);

        var frame = SharderBinaryFrame.Read(buffer.WrittenMemory);

        Assert.Equal(258, frame.Shard);
        Assert.Equal(0, frame.Op);
        Assert.Equal("MESSAGE_CREATE", frame.Type);
        Assert.Equal(42, frame.Sequence);
        Assert.Equal(outbound.Payload.ToArray(), frame.Frame.ToArray());
        Assert.Equal(outbound.Data.ToArray(), frame.Data.ToArray());
    }

    [Fact]
    public void DeadEvent_AsTheSiloEncodesIt_ReadBack()
    {
        var outbound = TestEnvelopes.Dispatch("s", 11, "MESSAGE_CREATE");
        var at = new DateTimeOffset(2026, 12, 4, 23, 5, 6, 789, TimeSpan.Zero);
        var entry = BatchEncoder.EncodeDeadLetter(4, outbound, "sharder:events", "WRONGTYPE: sharder:events holds a string, not a list", at);

        var dead = SharderMessageReader.ReadDeadEvent(entry);

        Assert.Equal(4, dead.Shard);
        Assert.Equal("s", dead.Session);
        Assert.Equal(11, dead.Sequence);
        Assert.Equal("MESSAGE_CREATE", dead.Type);
        Assert.Equal("sharder:events", dead.List);
        Assert.StartsWith("WRONGTYPE", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(at, dead.Time);
        Assert.Equal(Encoding.UTF8.GetString(outbound.Payload.Span), dead.Payload);
    }

    [Fact]
    public void UnknownFieldsAndMarkerKinds_AreTolerated()
    {
        var evt = Assert.IsType<SharderEvent>(SharderMessageReader.Read(
            "{\"v\":2,\"shard\":1,\"seq\":2,\"t\":\"X\",\"session\":\"s\",\"extra\":{\"a\":[1]},\"d\":{}}"u8.ToArray()));
        Assert.Equal("{}"u8.ToArray(), evt.Data.ToArray());

        var marker = Assert.IsType<UnknownMarker>(SharderMessageReader.Read("{\"shard\":4,\"marker\":\"paused\",\"why\":1}"u8.ToArray()));
        Assert.Equal("paused", marker.Kind);
        Assert.Equal(4, marker.Shard);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"shard\":1,\"seq\":2,\"t\":\"X\",\"session\":\"s\"}")]
    [InlineData("{\"shard\":1,\"seq\":2,\"t\":\"X\",\"session\":\"s\",\"d\":{}} trailing")]
    [InlineData("{\"shard\":\"1\",\"seq\":2,\"t\":\"X\",\"session\":\"s\",\"d\":{}}")]
    [InlineData("{\"shard\":1,\"seq\":2,\"t\":\"X\",\"session\":\"s\",\"guild_id\":\"-5\",\"d\":{}}")]
    [InlineData("{\"marker\":\"trimmed\",\"trimmed\":\"many\"}")]
    public void Malformed_IsAFormatError(string entry)
    {
        Assert.Throws<SharderFormatException>(() => SharderMessageReader.Read(Encoding.UTF8.GetBytes(entry)));
        Assert.False(SharderMessageReader.TryRead(Encoding.UTF8.GetBytes(entry), out _));
    }

    private RedisEventPublisher Publisher(Action<RedisOutputOptions>? configure = null)
    {
        var options = new RedisOutputOptions { KeyPrefix = _prefix };
        configure?.Invoke(options);
        return new RedisEventPublisher(_connection, options);
    }

    private async Task<List<SharderMessage>> ReadAllAsync(string list)
        => [.. (await Database.ListRangeAsync(list)).Select(value => SharderMessageReader.Read((byte[])value!))];
}
