using Sharder.Client.Commands;
using Sharder.Client.Consuming;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>
/// A worker of a silo on Redis Cluster (Cluster key layout) against a real 3-primary cluster: it consumes each shard's
/// own list reliably and sends commands to the tagged command lists.
/// </summary>
public sealed class ClusterLayoutConsumerTests(RedisClusterFixture redis) : IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
    private const int Shards = 3;
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(30);

    private readonly string _prefix = TestEnvelopes.UniquePrefix("cluster");
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await TestEnvelopes.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task A_reliable_consumer_per_shard_list_receives_that_shards_events_in_order_and_acks_them()
    {
        var publisher = new RedisEventPublisher(_connection, new RedisOutputOptions { KeyPrefix = _prefix, KeyLayout = RedisKeyLayout.Cluster });
        for (int shard = 0; shard < Shards; shard++)
        {
            long epoch = await publisher.AcquireEpochAsync(shard);
            var batch = Enumerable.Range(1, 50).Select(sequence => TestEnvelopes.Dispatch($"s{shard}", sequence)).ToList();
            await publisher.PublishAsync(shard, epoch, $"s{shard}", null, batch);
        }

        for (int shard = 0; shard < Shards; shard++)
        {
            await using var consumer = await ReliableConsumer.StartAsync(_connection, new ReliableConsumerOptions
            {
                List = ClusterEventLists.ForShard(shard, _prefix),
                ConsumerName = "worker",
                BlockTimeout = TimeSpan.FromMilliseconds(100),
            });
            var received = new List<long>();
            while (received.Count < 50)
            {
                var deliveries = await consumer.ReceiveAsync().WaitAsync(_wait);
                Assert.All(deliveries, d => Assert.Equal(shard, d.Event!.Shard));
                received.AddRange(deliveries.Select(d => d.Event!.Sequence));
                Assert.Equal(deliveries.Count, await consumer.AckAsync(deliveries));
            }

            Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), received);
            Assert.Equal(0, await _connection.GetDatabase().ListLengthAsync(consumer.Keys.Processing("worker")));
        }
    }

    [Fact]
    public async Task Commands_go_to_the_lists_tagged_with_the_prefix()
    {
        var sender = new CommandSender(_connection, CommandKeys.ForCluster(_prefix));

        await sender.UpdatePresenceAsync(2, "online");

        Assert.Equal($"{{{_prefix}}}:to:2", sender.Keys.ForShard(2));
        Assert.Equal($"{{{_prefix}}}:commands", sender.Keys.GuildRouted);
        Assert.Equal(1, await _connection.GetDatabase().ListLengthAsync($"{{{_prefix}}}:to:2"));
        Assert.Equal($"{_prefix}:{{shard:4}}:events:MESSAGE_CREATE", ClusterEventLists.ForShard(4, _prefix, "events:MESSAGE_CREATE"));
    }
}
