using Sharder.Client.Messages;
using Sharder.Client.Sharding;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>
/// <see cref="ShardingRecordReader"/> against a real redis-server, with the record written by the silo's own
/// <see cref="ShardingStore"/> and events by its publisher on the Cluster key layout: through a run the reader
/// names the lists each generation's shards really write.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ShardingRecordReaderTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const int Shard = 3;

    private readonly string _prefix = TestEnvelopes.UniquePrefix("sharding");
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    private RedisOutputOptions Output => new() { KeyPrefix = _prefix, KeyLayout = RedisKeyLayout.Cluster };

    public async Task InitializeAsync() => _connection = await TestEnvelopes.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task Before_any_silo_wrote_the_record_there_is_no_snapshot()
        => Assert.Null(await new ShardingRecordReader(_connection, _prefix).ReadAsync());

    [Fact]
    public async Task Through_a_run_the_reader_names_the_lists_each_generation_writes()
    {
        var store = new ShardingStore(_connection, Output);
        var reader = new ShardingRecordReader(_connection, _prefix);
        var silo = await store.LoadAsync(configuredTotal: 4);

        var before = await reader.ReadAsync();
        Assert.Equal([(4, GenerationUse.InService)], Generations(before));

        var started = DateTimeOffset.FromUnixTimeMilliseconds(1_796_450_880_000);
        var run = new ReshardRun("9f2c6a1b4e7d", 4, 8, ReshardState.Identifying, started, null, TimeSpan.FromSeconds(1), null, string.Empty);
        await store.SaveAsync(run);
        var during = await reader.ReadAsync();
        Assert.Equal([(4, GenerationUse.InService), (8, GenerationUse.Incoming)], Generations(during));
        Assert.Equal(new ReshardRunSummary(run.RunId, 4, 8, ReshardRunState.Identifying, null), during!.Run);

        // Shard 3 of each generation publishes one event under the key names the silo gives it.
        var publisher = new RedisEventPublisher(_connection, Output);
        await PublishAsync(publisher, silo.KeyTotalOf(4), "old-session");
        await PublishAsync(publisher, silo.KeyTotalOf(8), "new-session");
        Assert.Equal("old-session", await PopSessionAsync(during.Generations[0].EventList(Shard)));
        Assert.Equal("new-session", await PopSessionAsync(during.Generations[1].EventList(Shard)));

        var cutover = started.AddSeconds(10);
        await store.SaveAsync(run with { State = ReshardState.Switching, Cutover = cutover });
        Assert.Equal(cutover, (await reader.ReadAsync())!.Run!.Cutover);

        await store.SaveAsync(run with { State = ReshardState.Completed, Cutover = cutover, EndedAt = cutover.AddSeconds(3) }, totalInService: 8);
        var after = await reader.ReadAsync();
        Assert.Equal([(8, GenerationUse.InService), (4, GenerationUse.Draining)], Generations(after));
        Assert.Equal(8, after!.TotalInService);
        Assert.Equal(8, (await store.LoadAsync(configuredTotal: 4)).Total);

        await PublishAsync(publisher, silo.KeyTotalOf(8), "new-session", sequence: 2);
        Assert.Equal("new-session", await PopSessionAsync(after.InService.EventList(Shard)));
    }

    [Fact]
    public async Task After_a_rollback_the_old_generation_stays_in_service_and_the_new_one_is_drained()
    {
        var store = new ShardingStore(_connection, Output);
        await store.LoadAsync(configuredTotal: 2);
        var run = new ReshardRun("r2", 2, 4, ReshardState.RolledBack, DateTimeOffset.UnixEpoch, null, TimeSpan.FromSeconds(1), DateTimeOffset.UnixEpoch, "cancelled");
        await store.SaveAsync(run);

        var snapshot = await new ShardingRecordReader(_connection, _prefix).ReadAsync();

        Assert.Equal([(2, GenerationUse.InService), (4, GenerationUse.Draining)], Generations(snapshot));
        Assert.Equal($"{_prefix}:{{shard:1}}:events", snapshot!.InService.EventList(1));
        Assert.Equal($"{_prefix}:{{shard:3/4}}:events", snapshot.Generations[1].EventList(3));
    }

    [Fact]
    public async Task A_key_that_is_not_a_hash_fails_with_a_clear_exception()
    {
        var reader = new ShardingRecordReader(_connection, _prefix);
        await Database.StringSetAsync(reader.Key, "8");

        var exception = await Assert.ThrowsAsync<ShardingRecordFormatException>(reader.ReadAsync);

        Assert.Equal($"The sharding record {_prefix}:sharding is not a hash. It is written by the Sharder silo (docs/resharding.md); check Redis:Output:KeyPrefix and what else writes that key.", exception.Message);
    }

    [Fact]
    public async Task A_malformed_hash_fails_with_a_clear_exception()
    {
        var reader = new ShardingRecordReader(_connection, _prefix);
        await Database.HashSetAsync(reader.Key, [new HashEntry("total", "lots")]);

        var exception = await Assert.ThrowsAsync<ShardingRecordFormatException>(reader.ReadAsync);

        Assert.Contains($"{_prefix}:sharding field 'total' is 'lots'", exception.Message, StringComparison.Ordinal);
    }

    private static (int Total, GenerationUse Use)[] Generations(ShardingSnapshot? snapshot)
    {
        Assert.NotNull(snapshot);
        return [.. snapshot.Generations.Select(generation => (generation.Total, generation.Use))];
    }

    private static async Task PublishAsync(RedisEventPublisher publisher, int keyTotal, string session, long sequence = 1)
    {
        long epoch = await publisher.AcquireEpochAsync(Shard, keyTotal);
        await publisher.PublishAsync(Shard, epoch, session, null, [TestEnvelopes.Dispatch(session, sequence)], keyTotal: keyTotal);
    }

    private async Task<string> PopSessionAsync(string list)
    {
        var entry = await Database.ListLeftPopAsync(list);
        Assert.False(entry.IsNull, $"{list} is empty");
        var message = SharderMessageReader.Read((byte[])entry!);
        return Assert.IsType<SharderEvent>(message).Session;
    }
}
