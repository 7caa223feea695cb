using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Gateway;
using Sharder.Simulator.Faults;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// A shard connection against the simulator delivering through <see cref="ShardEventSink"/> into a real
/// redis-server: what buffers while one call is in flight goes to Redis as one batch (one script call),
/// session starts cut batches, and fencing or an outage in the middle of a batch loses and duplicates nothing.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed partial class BatchedDeliveryTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Burst = 400;
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_buffered_burst_is_published_in_fewer_script_calls_than_events_each_event_once_in_order()
    {
        await using var shard = await RedisShard.StartAsync(redis.ConnectionString, output);
        await shard.WaitDeliveredAsync("READY and the guilds reach Redis");

        shard.Gate.Hold();
        shard.EmitMessages(1);
        await RedisShard.WaitAsync(() => shard.Gate.WaitingCalls == 1, "the next event is held in the sink");
        long heldUpTo = shard.Connection.Status.LastSequence!.Value;
        shard.EmitMessages(Burst);
        await RedisShard.WaitAsync(() => shard.Connection.Status.LastSequence == heldUpTo + Burst, "the burst is read and buffered");
        var scriptCallsBefore = await ScriptCallsAsync(shard);
        int callsBefore = shard.Gate.Calls.Count;

        shard.Gate.Release();
        await shard.WaitDeliveredAsync("the burst reaches Redis");

        var scriptCalls = await ScriptCallsAsync(shard) - scriptCallsBefore;
        var burstCalls = shard.Gate.Calls.Skip(callsBefore).ToList();
        output.WriteLine($"{Burst + 1} events in {burstCalls.Count} sink calls ({string.Join(", ", burstCalls.Select(c => c.Count))}), {scriptCalls} script calls");
        Assert.Equal(Burst + 1, burstCalls.Sum(c => c.Count));
        Assert.InRange(burstCalls.Count, 2, 3); // the held event (maybe with a neighbour), then the burst in one or two
        Assert.InRange(scriptCalls, burstCalls.Count, burstCalls.Count + 1); // one per batch (+ one EVAL after a NOSCRIPT)
        Assert.Equal(TestEvents.Range(1, heldUpTo + Burst), await shard.SequencesAsync());
    }

    [Fact]
    public async Task A_resume_in_the_middle_of_a_buffered_burst_cuts_the_batch_at_the_session_start()
    {
        await using var shard = await RedisShard.StartAsync(redis.ConnectionString, output);
        await shard.WaitDeliveredAsync("READY and the guilds reach Redis");

        // The gateway drops the connection while a burst waits behind a held call: the held batch is still
        // delivered, the rest is dropped and replayed on resume, followed by RESUMED and new events.
        shard.Gate.Hold();
        shard.EmitMessages(1);
        await RedisShard.WaitAsync(() => shard.Gate.WaitingCalls == 1, "the next event is held in the sink");
        shard.EmitMessages(100);
        Assert.Equal(1, shard.Scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = 4000 }));
        await RedisShard.WaitAsync(() => shard.Connection.State == GatewayState.Disconnected, "the connection ended");

        // Let the held call through and hold the next one: the replay then buffers behind the resume's first call.
        shard.Gate.Release();
        shard.Gate.Hold();
        await RedisShard.WaitAsync(
            () => shard.Connection.Status.Resumes == 1 && shard.Gate.WaitingCalls == 1 && shard.Connection.State == GatewayState.Active,
            "the shard resumed, its first replayed batch held");
        shard.EmitMessages(50);
        long sent = shard.Scenario.Simulator.Sessions().Single().Seq;
        await RedisShard.WaitAsync(() => shard.Connection.Status.LastSequence == sent, "the replay and the new events are read and buffered");
        shard.Gate.Release();
        await shard.WaitDeliveredAsync("every event reaches Redis");

        var calls = shard.Gate.Calls;
        int resumed = calls.ToList().FindIndex(c => c.Start is { Resumed: true });
        Assert.True(resumed > 0, "the resume's session start went through the sink");
        Assert.True(calls[resumed - 1].Last < calls[resumed + 1].First);
        output.WriteLine(string.Join(", ", calls.Select(c => c.Start is null ? $"[{c.First}..{c.Last}]" : c.Start.Resumed ? "RESUMED" : "READY")));
        Assert.True(calls[resumed - 1].Count > 1, "the replay before the cut went as a batch");
        var sequences = await shard.SequencesAsync();
        Assert.Equal(TestEvents.Range(1, sequences[^1]), sequences);
        var list = await TestEvents.ReadJsonListAsync(shard.Database, shard.EventsKey);
        int marker = list.FindIndex(e => e.TryGetProperty("marker", out var kind) && kind.GetString() == "resumed");
        Assert.Equal(calls[resumed - 1].Last, list[marker - 1].GetProperty("seq").GetInt64());
        Assert.Equal(calls[resumed + 1].First, list[marker + 1].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_newer_epoch_while_a_batch_is_in_flight_fences_the_shard_and_writes_nothing_of_the_batch()
    {
        await using var shard = await RedisShard.StartAsync(redis.ConnectionString, output);
        await shard.WaitDeliveredAsync("READY and the guilds reach Redis");
        var before = await shard.SequencesAsync();

        shard.Gate.Hold();
        shard.EmitMessages(1);
        await RedisShard.WaitAsync(() => shard.Gate.WaitingCalls == 1, "the next event is held in the sink");
        shard.EmitMessages(100);
        long newer = await shard.Publisher.AcquireEpochAsync(shard.Connection.ShardId); // another activation took the shard
        shard.Gate.Release();

        await shard.Fenced.Task.WaitAsync(_timeout);
        await RedisShard.WaitAsync(() => shard.Gate.FailedCalls >= 2, "the fenced batch is refused again on retry");
        Assert.True(shard.Sink.IsFenced);
        Assert.Equal(before, await shard.SequencesAsync());
        var checkpoint = await shard.Publisher.ReadCheckpointAsync(shard.Connection.ShardId);
        Assert.Equal(before[^1], checkpoint!.Session.Sequence);
        Assert.Equal(newer, checkpoint.Epoch);
        Assert.Equal(before[^1], shard.Connection.Status.LastDeliveredSequence);
    }

    [Fact]
    public async Task A_redis_outage_while_a_batch_is_in_flight_loses_and_duplicates_nothing()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await using var shard = await RedisShard.StartAsync(server.ConnectionString, output);
        await shard.WaitDeliveredAsync("READY and the guilds reach Redis");

        shard.Gate.Hold();
        shard.EmitMessages(1);
        await RedisShard.WaitAsync(() => shard.Gate.WaitingCalls == 1, "the next event is held in the sink");
        shard.EmitMessages(200);

        // Redis restarts empty (no persistence): read what it holds first, with writes paused so nothing lands after the read.
        await shard.Redis.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        var beforeOutage = await shard.SequencesAsync();
        await server.StopAsync();
        shard.Gate.Release();
        await RedisShard.WaitAsync(() => shard.Gate.FailedCalls >= 1, "the batch in flight fails while Redis is down");
        shard.EmitMessages(100);

        await server.StartAsync();
        await shard.WaitDeliveredAsync("every event reaches Redis after the outage");

        var afterOutage = await shard.SequencesAsync();
        List<long> all = [.. beforeOutage, .. afterOutage];
        output.WriteLine($"before the outage: {beforeOutage.Count} events, after: {afterOutage.Count}; {shard.Gate.FailedCalls} failed calls");
        Assert.Equal(TestEvents.Range(1, all[^1]), all);
        Assert.Equal(shard.Connection.Status.LastSequence, all[^1]);
    }

    /// <summary>evalsha and eval calls so far (INFO commandstats); tests of this collection never run at once.</summary>
    private static async Task<long> ScriptCallsAsync(RedisShard shard)
    {
        var info = (string)(await shard.Redis.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        long calls = 0;
        foreach (Match match in ScriptCallsPattern().Matches(info))
        {
            calls += long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return calls;
    }

    [GeneratedRegex(@"cmdstat_eval(?:sha)?:calls=(\d+)")]
    private static partial Regex ScriptCallsPattern();

    /// <summary>One shard on the simulator, its sink the real one behind a <see cref="GatedSink"/>.</summary>
    private sealed class RedisShard : IAsyncDisposable
    {
        private RedisShard(GatewayScenario scenario, ConnectionMultiplexer redis, RedisEventPublisher publisher, string prefix)
        {
            Scenario = scenario;
            Redis = redis;
            Publisher = publisher;
            EventsKey = $"{prefix}:events";
        }

        public GatewayScenario Scenario { get; }

        public ConnectionMultiplexer Redis { get; }

        public RedisEventPublisher Publisher { get; }

        public ShardEventSink Sink { get; private set; } = null!;

        public GatedSink Gate { get; private set; } = null!;

        public ShardConnection Connection { get; private set; } = null!;

        public TaskCompletionSource Fenced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string EventsKey { get; }

        public IDatabase Database => Redis.GetDatabase();

        public static async Task<RedisShard> StartAsync(string connectionString, ITestOutputHelper output)
        {
            var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, configureGateway: o => o.SinkStallTimeout = TimeSpan.FromMinutes(5));
            var options = ConfigurationOptions.Parse(connectionString);
            options.AllowAdmin = true;
            options.AbortOnConnectFail = false;
            options.AsyncTimeout = 5_000;
            options.SyncTimeout = 5_000;
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            options.ReconnectRetryPolicy = new LinearRetry(50);
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
            var prefix = TestRedis.UniquePrefix("batched");
            var publisher = new RedisEventPublisher(multiplexer, new RedisOutputOptions { KeyPrefix = prefix });
            var shard = new RedisShard(scenario, multiplexer, publisher, prefix);
            long epoch = await publisher.AcquireEpochAsync(0);
#pragma warning disable CA2000 // the factory's meter lives as long as the test process; nothing to release
            var instruments = new SharderInstruments(new NoMeterFactory());
#pragma warning restore CA2000
            shard.Sink = new ShardEventSink(
                0, epoch, publisher, 0, () => shard.Fenced.TrySetResult(), instruments);
            shard.Gate = new GatedSink(shard.Sink);
            var connection = new ShardConnection(
                0, 1, new BotToken(scenario.Simulator.Token), scenario.Options, scenario.Transports, scenario.IdentifyGate, shard.Gate,
                TimeProvider.System, new TestOutputLogger(output, "shard[0/1]", LogLevel.Information));
            shard.Connection = connection;
            connection.Start();
            return shard;
        }

        public void EmitMessages(int count) => Scenario.EmitMessages(count);

        public static Task WaitAsync(Func<bool> condition, string because) => Eventually.TrueAsync(condition, _timeout, because);

        /// <summary>Waits until the shard is active and everything it read was delivered.</summary>
        public Task WaitDeliveredAsync(string because)
            => WaitAsync(
                () => Connection.State == GatewayState.Active && Connection.Status is { LastSequence: > 0 } status
                    && status.LastDeliveredSequence == status.LastSequence && Gate.WaitingCalls == 0,
                because);

        public Task<List<long>> SequencesAsync() => TestEvents.ReadSequencesAsync(Database, EventsKey);

        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            await Redis.DisposeAsync();
            await Scenario.DisposeAsync();
        }
    }

    private sealed class NoMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
