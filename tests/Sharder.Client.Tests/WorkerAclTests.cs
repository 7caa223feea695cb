using Sharder.Client.Commands;
using Sharder.Client.Consuming;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>
/// The reliable consumer, its reaper and the command sender work as the restricted worker user: the README's
/// worker rules plus the two selectors docs/workers.md adds for the lease and the registry.
/// </summary>
public sealed class WorkerAclTests : IAsyncLifetime
{
    private const string Password = "worker-password-for-tests";
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(30);

    private static readonly string[] _workerRules =
    [
        "resetkeys", "resetchannels", "-@all",
        "+ping", "+hello", "+auth", "+select", "+client|setname",
        "(~sharder:events* +blpop +brpop +lpop +rpop +blmove +lmove +brpoplpush +rpoplpush +lrange +lindex +llen +lrem)",
        "(~sharder:to:* ~sharder:commands +rpush +lpush +llen)",

        // docs/workers.md, "BLMOVE: at least once": StackExchange.Redis checks each connection with ECHO
        "+echo",
        "(~sharder:events*:lease:* +set +psetex +exists +del +unlink)",
        "(~sharder:events*:consumers +sadd +srem +smembers)",
    ];

    private readonly RedisServer _server = new(extraArguments: ["--user", "worker", "on", $">{Password}", .. _workerRules]);
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
    public async Task ReliableConsumerReaperAndSender_RunAsTheWorkerUser()
    {
        var events = _admin.GetDatabase();
        for (int sequence = 1; sequence <= 6; sequence++)
        {
            await events.ListRightPushAsync("sharder:events", TestEnvelopes.Envelope(0, "s", sequence));
        }

        var options = new ReliableConsumerOptions
        {
            List = "sharder:events",
            ConsumerName = "dead",
            Lease = TimeSpan.FromMilliseconds(600),
            BlockTimeout = TimeSpan.FromMilliseconds(100),
            MaxBatch = 3,
        };
        var dead = await ReliableConsumer.StartAsync(_worker, options);
        Assert.Equal(3, (await dead.ReceiveAsync().WaitAsync(_wait)).Count);
        await dead.DisposeAsync();

        options.ConsumerName = "alive";
        options.MaxBatch = 10;
        options.ReapInterval = TimeSpan.FromMilliseconds(100);
        await using var alive = await ReliableConsumer.StartAsync(_worker, options);
        var clients = (string)(await _admin.GetDatabase().ExecuteAsync("CLIENT", "LIST"))!;
        var blocking = clients.Split('\n').Where(line => line.Contains("name=sharder-consumer-alive", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(blocking);
        Assert.All(blocking, line => Assert.Contains(" user=worker ", line, StringComparison.Ordinal)); // it took the shared connection's credentials
        var seen = new HashSet<long>();
        await Sharder.TestKit.Eventually.TrueAsync(
            async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    var batch = await alive.ReceiveAsync(timeout.Token);
                    seen.UnionWith(batch.Select(d => d.Event!.Sequence));
                    await alive.AckAsync(batch);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                }

                return seen.Count == 6;
            },
            _wait,
            "the live consumer got all six events, three of them reaped from the dead one");
        Assert.Equal(0, await alive.ReleaseAsync());
        await new CommandSender(_worker).UpdatePresenceAsync(0, "online");

        Assert.Equal(1, await events.ListLengthAsync("sharder:to:0"));
        Assert.Equal(0, await events.ListLengthAsync("sharder:events:processing:dead"));
        Assert.Equal(0, await events.SetLengthAsync("sharder:events:consumers"));
    }

    [Fact]
    public async Task WorkerUser_CannotSetOrDeleteTheEventList()
    {
        var database = _worker.GetDatabase();

        var set = await Assert.ThrowsAsync<RedisServerException>(() => database.StringSetAsync("sharder:events", "x"));
        var delete = await Assert.ThrowsAsync<RedisServerException>(() => database.KeyDeleteAsync("sharder:events"));

        Assert.StartsWith("NOPERM", set.Message, StringComparison.Ordinal);
        Assert.StartsWith("NOPERM", delete.Message, StringComparison.Ordinal);
    }
}
