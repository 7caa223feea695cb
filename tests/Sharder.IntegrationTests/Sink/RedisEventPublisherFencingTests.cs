using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Two activations of one shard: only the one with the newest epoch may push.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisEventPublisherFencingTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 5;

    private readonly string _prefix = TestRedis.UniquePrefix("fencing");
    private ConnectionMultiplexer _connection = null!;
    private RedisEventPublisher _publisher = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _connection = await TestRedis.ConnectAsync(redis.ConnectionString);
        _publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix });
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task AcquireEpoch_RisesWithEveryActivation_AndIsStoredExactly()
    {
        long first = await _publisher.AcquireEpochAsync(Shard);
        long second = await _publisher.AcquireEpochAsync(Shard);
        long third = await _publisher.AcquireEpochAsync(Shard);

        Assert.True(first < second && second < third, $"epochs {first}, {second}, {third}");
        Assert.Equal(third, (long)await Database.HashGetAsync($"{_prefix}:{KeyLayout.CheckpointKey(Shard)}", "epoch"));
    }

    [Fact]
    public async Task AcquireEpoch_AfterRedisLostTheCheckpoint_StillSupersedesTheStaleActivation()
    {
        long stale = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, stale, "s1", null, TestEvents.Sequences("s1", 1, 3));

        // A Redis restart without persistence: the checkpoint and its epoch are gone.
        Assert.True(await Database.KeyDeleteAsync($"{_prefix}:{KeyLayout.CheckpointKey(Shard)}"));
        long current = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, current, "s1", null, TestEvents.Sequences("s1", 4, 5));

        Assert.True(current > stale, $"new epoch {current} does not supersede {stale}");
        await Assert.ThrowsAsync<StaleEpochException>(
            () => _publisher.PublishAsync(Shard, stale, "s1", null, TestEvents.Sequences("s1", 6, 7)));
    }

    [Fact]
    public async Task StaleEpoch_IsRefused_AndNothingIsPushed()
    {
        long epochA = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epochA, "s1", null, TestEvents.Sequences("s1", 1, 3));
        long epochB = await _publisher.AcquireEpochAsync(Shard);

        var refused = await Assert.ThrowsAsync<StaleEpochException>(
            () => _publisher.PublishAsync(Shard, epochA, "s1", null, TestEvents.Sequences("s1", 4, 6)));

        Assert.Equal((Shard, epochA, epochB), (refused.ShardId, refused.Epoch, refused.CurrentEpoch));
        Assert.Equal(TestEvents.Range(1, 3), await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events"));
        Assert.Equal(new ShardCheckpoint(new ShardSession("s1", 3, null), epochB), await _publisher.ReadCheckpointAsync(Shard));
    }

    [Fact]
    public async Task NewEpoch_TakesOverFromTheCheckpoint()
    {
        long epochA = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epochA, "s1", null, TestEvents.Sequences("s1", 1, 3));
        long epochB = await _publisher.AcquireEpochAsync(Shard);

        // The new activation resumes the same session; Discord replays from the checkpoint's sequence.
        var result = await _publisher.PublishAsync(Shard, epochB, "s1", null, TestEvents.Sequences("s1", 2, 6));

        Assert.Equal(new PublishResult(3, 6), result with { Lists = [] });
        Assert.Equal(TestEvents.Range(1, 6), await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events"));
    }

    [Fact]
    public async Task StaleEpoch_CannotPublishMarkers()
    {
        long epochA = await _publisher.AcquireEpochAsync(Shard);
        await _publisher.PublishAsync(Shard, epochA, "s1", null, TestEvents.Sequences("s1", 1, 3));
        await _publisher.AcquireEpochAsync(Shard);

        await Assert.ThrowsAsync<StaleEpochException>(
            () => _publisher.PublishMarkerAsync(Shard, epochA, ShardLifecycleMarker.Reidentified("s2")));
        await Assert.ThrowsAsync<StaleEpochException>(
            () => _publisher.PublishMarkerAsync(Shard, epochA, ShardLifecycleMarker.Resumed("s1", 3)));

        Assert.Equal("s1", (await _publisher.ReadCheckpointAsync(Shard))!.Session.SessionId);
        Assert.Equal(3, await Database.ListLengthAsync($"{_prefix}:events"));
    }

    [Fact]
    public async Task InterleavedActivations_OnlyTheNewestPushes()
    {
        long epochA = await _publisher.AcquireEpochAsync(Shard);
        long epochB = await _publisher.AcquireEpochAsync(Shard);
        int refused = 0;

        async Task RunAsync(long epoch)
        {
            for (long sequence = 1; sequence <= 20; sequence++)
            {
                try
                {
                    await _publisher.PublishAsync(Shard, epoch, "s1", null, [TestEvents.Dispatch("s1", sequence)]);
                }
                catch (StaleEpochException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }

        await Task.WhenAll(RunAsync(epochA), RunAsync(epochB));

        Assert.Equal(20, refused);
        Assert.Equal(TestEvents.Range(1, 20), await TestEvents.ReadSequencesAsync(Database, $"{_prefix}:events"));
    }
}
