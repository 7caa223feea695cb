using Sharder.Grains.Sink;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Each test owns its server, so stopping it disturbs no other test.</summary>
public sealed class RedisEventPublisherOutageTests
{
    private static readonly TimeSpan _recoveryTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task RedisDown_PublishThrowsUnavailable_ThenTheSameBatchSucceeds()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await using var connection = await TestRedis.ConnectAsync(server.ConnectionString);
        var publisher = new RedisEventPublisher(connection, new RedisOutputOptions { KeyPrefix = "outage" });
        long epoch = await publisher.AcquireEpochAsync(2);
        await publisher.PublishAsync(2, epoch, "s1", null, TestEvents.Sequences("s1", 1, 5));
        var batch = TestEvents.Sequences("s1", 6, 10);

        await server.StopAsync();
        var failure = await Assert.ThrowsAsync<RedisUnavailableException>(() => publisher.PublishAsync(2, epoch, "s1", null, batch));
        await Assert.ThrowsAsync<RedisUnavailableException>(() => publisher.ReadCheckpointAsync(2));
        await Assert.ThrowsAsync<RedisUnavailableException>(() => publisher.AcquireEpochAsync(2));
        await server.StartAsync();
        await Eventually.TrueAsync(() => connection.IsConnected, _recoveryTimeout, "the multiplexer reconnects after the restart");
        var retried = await publisher.PublishAsync(2, epoch, "s1", null, batch);

        Assert.Equal(2, failure.ShardId);
        Assert.NotNull(failure.InnerException);
        // The restarted server has no persistence, so it starts empty: the whole retried batch lands, after
        // a marker saying the checkpoint was gone.
        Assert.Equal(new PublishResult(5, 10) { Resynced = true }, retried with { Lists = [] });
        Assert.Equal(TestEvents.Range(6, 10), await TestEvents.ReadSequencesAsync(connection.GetDatabase(), "outage:events"));
        var first = (string?)await connection.GetDatabase().ListGetByIndexAsync("outage:events", 0);
        Assert.Equal("""{"shard":2,"marker":"resynced","session":"s1","seq":null,"checkpoint_session":null,"checkpoint_seq":null}""", first);
    }
}
