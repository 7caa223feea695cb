using Sharder.Client.Sharding;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>
/// <see cref="ShardingRecordReader"/> runs as a restricted worker user with only the read rule docs/workers.md gives
/// for the record, <c>(%R~sharder:sharding +hgetall)</c>, and that user cannot change the record.
/// </summary>
public sealed class ShardingRecordReaderAclTests : IAsyncLifetime
{
    private const string Password = "sharding-reader-password-for-tests";

    private static readonly string[] _readerRules =
    [
        "resetkeys", "resetchannels", "-@all",
        "+ping", "+hello", "+auth", "+select", "+client|setname", "+echo",
        "(%R~sharder:sharding +hgetall)",
    ];

    private readonly RedisServer _server = new(extraArguments: ["--user", "worker", "on", $">{Password}", .. _readerRules]);
    private ConnectionMultiplexer _admin = null!;
    private ConnectionMultiplexer _worker = null!;

    public async Task InitializeAsync()
    {
        await _server.StartAsync();
        _admin = await TestEnvelopes.ConnectAsync($"{_server.ConnectionString},allowAdmin=true");
        _worker = await TestEnvelopes.ConnectAsync($"{_server.ConnectionString},user=worker,password={Password}");
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _admin.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_worker_user_reads_the_record_the_silo_wrote_and_cannot_write_it()
    {
        await new ShardingStore(_admin, new RedisOutputOptions { KeyLayout = RedisKeyLayout.Cluster }).LoadAsync(configuredTotal: 4);

        var snapshot = await new ShardingRecordReader(_worker).ReadAsync();

        Assert.Equal(4, snapshot!.InService.Total);
        Assert.Equal("sharder:{shard:3}:events", snapshot.InService.EventList(3));
        await Assert.ThrowsAsync<RedisServerException>(() => _worker.GetDatabase().HashSetAsync("sharder:sharding", "total", 8));
    }
}
