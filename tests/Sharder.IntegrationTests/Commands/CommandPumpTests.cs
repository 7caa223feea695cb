using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Commands;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.IntegrationTests.Sink;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Commands;

/// <summary>Worker commands from Redis lists to the delivery delegate, against a real redis-server.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CommandPumpTests(RedisServerFixture redis, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Generous bound for "promptly", so a slow CI machine does not fail the test; the measured figure is printed.</summary>
    private static readonly TimeSpan _prompt = TimeSpan.FromSeconds(2);

    /// <summary>Long enough that passing within <see cref="_prompt"/> proves the BLPOP was woken, not timed out.</summary>
    private static readonly TimeSpan _longBlock = TimeSpan.FromSeconds(30);

    /// <summary>Bound for waits that include a sweep's own delays (undeliverable age, sweep interval): only a failure bound.</summary>
    private static readonly TimeSpan _patient = TimeSpan.FromSeconds(15);

    private readonly string _prefix = TestRedis.UniquePrefix("commands");
    private readonly RecordingShards _shards = new();
    private readonly List<CommandPump> _pumps = [];
    private ConnectionMultiplexer _connection = null!;

    private IDatabase Database => _connection.GetDatabase();

    public async Task InitializeAsync() => _connection = await TestRedis.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync()
    {
        foreach (var pump in _pumps)
        {
            await pump.DisposeAsync();
        }

        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task ShardCommand_ReachesTheDelegateWithinMilliseconds_WhenIdle()
    {
        var pump = StartPump();
        pump.Host(3, 8);
        await WaitUntilListeningAsync(pump);
        var latencies = new List<double>();

        for (int i = 0; i < 50; i++)
        {
            var payload = "{\"op\":4,\"d\":{\"guild_id\":\"1\",\"channel_id\":null,\"self_mute\":false,\"n\":" + i + "}}";
            await WaitUntilListeningAsync(pump);
            long sent = Stopwatch.GetTimestamp();
            await Database.ListRightPushAsync($"{_prefix}:to:3", payload);
            var delivered = await _shards.NextDeliveredAsync(_prompt, $"command {i} reaches shard 3");
            latencies.Add(Stopwatch.GetElapsedTime(sent, delivered.Timestamp).TotalMilliseconds);

            Assert.Equal((3, payload), (delivered.ShardId, delivered.Text));
        }

        latencies.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RPUSH -> delegate latency over {latencies.Count} commands: median {latencies[latencies.Count / 2]:F2} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F2} ms, max {latencies[^1]:F2} ms"));
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:to:3"));
    }

    [Fact]
    public async Task GuildRoutedCommand_ReachesTheShardOfItsGuild()
    {
        var pump = StartPump();
        pump.Host(1, 4);
        pump.Host(2, 4);
        await WaitUntilListeningAsync(pump);
        ulong guildOnShard2 = (6UL << 22) | 77; // 6 % 4 = 2
        var payload = "{\"op\":8,\"d\":{\"guild_id\":\"" + guildOnShard2 + "\",\"query\":\"\",\"limit\":0}}";

        await Database.ListRightPushAsync($"{_prefix}:commands", payload);
        var delivered = await _shards.NextDeliveredAsync(_prompt, "the guild command reaches shard 2");

        Assert.Equal((2, payload), (delivered.ShardId, delivered.Text));
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:commands"));
    }

    [Fact]
    public async Task GuildRoutedCommand_ForAShardHostedElsewhere_MovesToThatShardsList()
    {
        var pump = StartPump();
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);
        ulong guildOnShard3 = 3UL << 22;
        var payload = "{\"op\":4,\"d\":{\"guild_id\":" + guildOnShard3 + ",\"channel_id\":\"5\"}}";

        await Database.ListRightPushAsync($"{_prefix}:commands", payload);
        await Eventually.TrueAsync(
            async () => await Database.ListLengthAsync($"{_prefix}:to:3") == 1, _prompt, "the command is moved to shard 3's list");
        pump.Host(3, 4);
        var delivered = await _shards.NextDeliveredAsync(_prompt, "shard 3, hosted now, gets the moved command");

        Assert.Equal((3, payload), (delivered.ShardId, delivered.Text));
        Assert.Equal(1, _shards.AttemptCount);
    }

    [Fact]
    public async Task UnroutableGuildCommand_IsDeadLettered_AndThePumpCarriesOn()
    {
        var pump = StartPump();
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:commands", "not a gateway payload");
        await Database.ListRightPushAsync($"{_prefix}:commands", """{"op":4,"d":{"channel_id":"1"}}""");
        await Database.ListRightPushAsync($"{_prefix}:commands", """{"op":4,"d":{"guild_id":"\ud800"}}""");
        await Database.ListRightPushAsync($"{_prefix}:to:0", Command("after"));
        var delivered = await _shards.NextDeliveredAsync(_prompt, "the valid command after three unroutable ones arrives");

        Assert.Equal(Command("after"), delivered.Text);
        Assert.Equal(1, _shards.AttemptCount);
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:commands"));
        var dead = await DeadLettersAsync(3);
        Assert.Equal(["InvalidJson", "NoGuildId", "LoneSurrogate"], dead.Select(d => d.GetProperty("reason").GetString()));
        Assert.All(dead, d => Assert.Equal($"{_prefix}:commands", d.GetProperty("list").GetString()));
    }

    [Fact]
    public async Task HostingAShard_TakesEffectAtOnce_NotAfterTheBlockTimeout()
    {
        var pump = StartPump(o => o.BlockTimeout = _longBlock);
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);
        await Database.ListRightPushAsync($"{_prefix}:to:2", Command("waiting for shard 2"));

        long hosted = Stopwatch.GetTimestamp();
        pump.Host(2, 4);
        var delivered = await _shards.NextDeliveredAsync(_prompt, "shard 2's waiting command is taken once shard 2 is hosted");

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Host(2) -> waiting command delivered in {Stopwatch.GetElapsedTime(hosted, delivered.Timestamp).TotalMilliseconds:F2} ms (BLPOP timeout {_longBlock.TotalSeconds} s)"));
        Assert.Equal((2, Command("waiting for shard 2")), (delivered.ShardId, delivered.Text));
        Assert.Equal([1, 2], pump.HostedShards);
    }

    [Fact]
    public async Task ReleasingAShard_StopsTakingItsCommands()
    {
        var pump = StartPump(o => o.BlockTimeout = _longBlock);
        pump.Host(1, 4);
        pump.Host(2, 4);
        await WaitUntilListeningAsync(pump);

        pump.Release(2);
        await WaitUntilListeningAsync(pump);
        await Database.ListRightPushAsync($"{_prefix}:to:2", Command("for shard 2"));
        await Database.ListRightPushAsync($"{_prefix}:to:1", Command("for shard 1"));
        var delivered = await _shards.NextDeliveredAsync(_prompt, "shard 1's command arrives");

        Assert.Equal((1, Command("for shard 1")), (delivered.ShardId, delivered.Text));
        Assert.Equal(1, _shards.AttemptCount);
        Assert.Equal([Command("for shard 2")], (await Database.ListRangeAsync($"{_prefix}:to:2")).Select(v => (string)v!));
        Assert.Equal([1], pump.HostedShards);
    }

    [Fact]
    public async Task FullShardQueue_LeavesTheCommandAtTheHeadOfItsList_AndPausesOnlyThatShard()
    {
        _shards.Behaviour = d => d.ShardId == 3 ? CommandEnqueueResult.QueueFull : CommandEnqueueResult.Enqueued;
        var pump = StartPump(o => o.RedeliveryDelay = TimeSpan.FromMinutes(10));
        pump.Host(3, 4);
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:3", [Command("first"), Command("second")]);
        var attempt = await _shards.NextAttemptAsync(_prompt, "the pump offers shard 3 its first command");
        await Database.ListRightPushAsync($"{_prefix}:to:1", Command("for shard 1"));
        var other = await _shards.NextDeliveredAsync(_prompt, "shard 1's command arrives while shard 3 is paused");

        Assert.Equal(Command("first"), attempt.Text);
        Assert.Equal((1, Command("for shard 1")), (other.ShardId, other.Text));
        Assert.Equal([Command("first"), Command("second")], (await Database.ListRangeAsync($"{_prefix}:to:3")).Select(v => (string)v!));
        Assert.Equal(2, _shards.AttemptCount);
    }

    [Fact]
    public async Task GuildCommands_ForAFullShard_GoToItsListInOrder()
    {
        _shards.Behaviour = _ => CommandEnqueueResult.QueueFull;
        var pump = StartPump(o => o.RedeliveryDelay = TimeSpan.FromMinutes(10));
        pump.Host(2, 4);
        await WaitUntilListeningAsync(pump);
        ulong guildOnShard2 = 2UL << 22;
        string Routed(int i) => "{\"op\":8,\"d\":{\"guild_id\":\"" + guildOnShard2 + "\",\"query\":\"\",\"limit\":" + i + "}}";

        await Database.ListRightPushAsync($"{_prefix}:commands", [Routed(0), Routed(1), Routed(2)]);
        await Eventually.TrueAsync(
            async () => await Database.ListLengthAsync($"{_prefix}:to:2") == 3, _prompt, "the three wait in shard 2's list");

        Assert.Equal([Routed(0), Routed(1), Routed(2)], (await Database.ListRangeAsync($"{_prefix}:to:2")).Select(v => (string)v!));
        Assert.Equal(1, _shards.AttemptCount);
    }

    [Fact]
    public async Task RefusedCommand_IsDeliveredAgainAfterTheRedeliveryDelay()
    {
        int attempts = 0;
        _shards.Behaviour = _ => Interlocked.Increment(ref attempts) == 1 ? CommandEnqueueResult.QueueFull : CommandEnqueueResult.Enqueued;
        var pump = StartPump(o => o.RedeliveryDelay = TimeSpan.FromMilliseconds(100));
        pump.Host(3, 4);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:3", Command("retry me"));
        var delivered = await _shards.NextDeliveredAsync(TimeSpan.FromSeconds(5), "the refused command is delivered on the second attempt");

        Assert.Equal((3, Command("retry me")), (delivered.ShardId, delivered.Text));
        Assert.Equal(2, _shards.AttemptCount);
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:to:3"));
    }

    [Fact]
    public async Task FatallyClosedShard_DeadLettersItsCommand_AndIsNotRetried()
    {
        _shards.Behaviour = _ => CommandEnqueueResult.FatallyClosed;
        var pump = StartPump(o => o.RedeliveryDelay = TimeSpan.FromMilliseconds(10));
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:0", Command("never sent"));
        var entry = Assert.Single(await DeadLettersAsync(1));

        Assert.Equal("ShardFatallyClosed", entry.GetProperty("reason").GetString());
        Assert.Equal(0, entry.GetProperty("shard").GetInt32());
        Assert.Equal(Command("never sent"), entry.GetProperty("payload").GetString());
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:to:0"));
        Assert.Equal(1, _shards.AttemptCount);
    }

    [Fact]
    public async Task ReturnUnsent_PutsThemAtTheHeadOfTheShardsList_OldestFirst()
    {
        var pump = StartPump();
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);
        await Database.ListRightPushAsync($"{_prefix}:to:2", Command("pushed later"));

        bool written = await pump.ReturnUnsentAsync(2, [Encoding.UTF8.GetBytes(Command("a")), Encoding.UTF8.GetBytes(Command("b"))])
            .WaitAsync(_prompt);

        Assert.True(written);
        Assert.Equal(
            [Command("a"), Command("b"), Command("pushed later")],
            (await Database.ListRangeAsync($"{_prefix}:to:2")).Select(v => (string)v!));
    }

    [Fact]
    public async Task DeadLetterUnsent_WritesOneEntryPerCommand_WithTheShardAndReason()
    {
        var pump = StartPump();
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);

        bool written = await pump.DeadLetterUnsentAsync(
            1, [Encoding.UTF8.GetBytes(Command("x")), Encoding.UTF8.GetBytes(Command("y"))], CommandRejectReason.ShardFatallyClosed, "closed with 4004")
            .WaitAsync(_prompt);
        var dead = await DeadLettersAsync(2);

        Assert.True(written);
        Assert.Equal([Command("x"), Command("y")], dead.Select(d => d.GetProperty("payload").GetString()));
        Assert.All(dead, d => Assert.Equal(
            ("ShardFatallyClosed", "closed with 4004", $"{_prefix}:to:1", 1),
            (d.GetProperty("reason").GetString(), d.GetProperty("detail").GetString(), d.GetProperty("list").GetString(), d.GetProperty("shard").GetInt32())));
    }

    [Fact]
    public async Task Metrics_CountAcceptedRejectedAndDeadLetteredByReason()
    {
        using var metrics = new RecordedCommandMetrics();
        var pump = StartPump(instruments: metrics.Instruments);
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:0", ["""{"op":99,"d":{}}""", "nope", """{"op":2,"d":{}}""", Command("ok")]);
        await _shards.NextDeliveredAsync(_prompt, "the valid command after three bad ones arrives");
        await DeadLettersAsync(3);

        Assert.Equal(1, metrics.Total("sharder.commands.accepted"));
        Assert.Equal(2, metrics.Total("sharder.commands.rejected:OpNotAllowed"));
        Assert.Equal(1, metrics.Total("sharder.commands.rejected:InvalidJson"));
        Assert.Equal(2, metrics.Total("sharder.commands.dead_lettered:OpNotAllowed"));
        Assert.Equal(1, metrics.Total("sharder.commands.dead_lettered:InvalidJson"));
    }

    [Fact]
    public async Task DeadLetterList_IsTrimmedToItsMaximumLength()
    {
        var pump = StartPump(o => o.DeadLetterMaxLength = 3);
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:0", [.. Enumerable.Range(0, 5).Select(i => (RedisValue)$"bad {i}")]);
        await Database.ListRightPushAsync($"{_prefix}:to:0", Command("good"));
        await _shards.NextDeliveredAsync(_prompt, "the good command after five bad ones arrives");

        var dead = await Database.ListRangeAsync($"{_prefix}:commands:dead");
        Assert.Equal(
            ["bad 2", "bad 3", "bad 4"],
            dead.Select(d => JsonDocument.Parse((string)d!).RootElement.GetProperty("payload").GetString()));
    }

    [Fact]
    public async Task ListsNamingNoShardOfTheBot_AreDeadLettered()
    {
        var pump = StartPump(o => o.UndeliverableAfter = TimeSpan.FromSeconds(1));
        pump.Host(0, 4);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:7", [Command("seven a"), Command("seven b")]);
        await Database.ListRightPushAsync($"{_prefix}:to:abc", Command("abc"));
        await Database.ListRightPushAsync($"{_prefix}:to:002", Command("zero-padded"));
        var dead = await DeadLettersAsync(4);

        Assert.All(dead, d => Assert.Equal("UnknownShard", d.GetProperty("reason").GetString()));
        Assert.Equal(
            [$"{_prefix}:to:002", $"{_prefix}:to:7", $"{_prefix}:to:7", $"{_prefix}:to:abc"],
            dead.Select(d => d.GetProperty("list").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(
            [Command("seven a"), Command("seven b")],
            dead.Where(d => d.GetProperty("list").GetString()!.EndsWith(":to:7", StringComparison.Ordinal)).Select(d => d.GetProperty("payload").GetString()));
        Assert.Equal(0, _shards.AttemptCount);
    }

    [Fact]
    public async Task ListOfAShardHostedNowhere_IsDeadLetteredAfterUndeliverableAfter_NotBefore()
    {
        var undeliverableAfter = TimeSpan.FromSeconds(1);
        var pump = StartPump(o => o.UndeliverableAfter = undeliverableAfter);
        pump.Host(0, 4);
        await WaitUntilListeningAsync(pump);

        long pushed = Stopwatch.GetTimestamp();
        await Database.ListRightPushAsync($"{_prefix}:to:2", [Command("stuck a"), Command("stuck b")]);
        var dead = await DeadLettersAsync(2);
        var waited = Stopwatch.GetElapsedTime(pushed);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shard 2 hosted nowhere: dead-lettered {waited.TotalMilliseconds:F0} ms after the push"));
        Assert.True(waited >= undeliverableAfter, $"dead-lettered after {waited}, before {undeliverableAfter}");
        Assert.All(dead, d => Assert.Equal("ShardNotHosted", d.GetProperty("reason").GetString()));
        Assert.Equal([Command("stuck a"), Command("stuck b")], dead.Select(d => d.GetProperty("payload").GetString()));
        Assert.Equal(0, await Database.ListLengthAsync($"{_prefix}:to:2"));
    }

    [Fact]
    public async Task ListOfAHostedShard_IsNeverSwept()
    {
        _shards.Behaviour = _ => CommandEnqueueResult.QueueFull;
        var pump = StartPump(o =>
        {
            o.UndeliverableAfter = TimeSpan.FromSeconds(1);
            o.RedeliveryDelay = TimeSpan.FromMinutes(10);
        });
        pump.Host(1, 4);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:1", Command("waits for its shard"));
        await _shards.NextAttemptAsync(_prompt, "the pump offers the command once");
        await Database.ListRightPushAsync($"{_prefix}:to:3", Command("hosted nowhere"));
        await DeadLettersAsync(1);

        Assert.Equal([Command("waits for its shard")], (await Database.ListRangeAsync($"{_prefix}:to:1")).Select(v => (string)v!));
        Assert.Equal(1, await Database.ListLengthAsync($"{_prefix}:commands:dead"));
    }

    [Fact]
    public async Task BusyShard_DoesNotStarveTheOthers()
    {
        // More than two pop batches for shard 0: with lists taken in rotation, shard 1 comes within two batches.
        int busy = (2 * CommandPump.PopBatchSize) + 50;
        await Database.ListRightPushAsync($"{_prefix}:to:0", [.. Enumerable.Range(0, busy).Select(i => (RedisValue)Command($"busy {i}"))]);
        await Database.ListRightPushAsync($"{_prefix}:to:1", Command("quiet"));
        var pump = StartPump();
        pump.Host(0, 2);
        pump.Host(1, 2);

        int before = 0;
        while ((await _shards.NextDeliveredAsync(_prompt, $"delivery {before}")).ShardId != 1)
        {
            before++;
        }

        output.WriteLine($"shard 1's command came after {before} of shard 0's {busy}");
        Assert.InRange(before, 0, 2 * CommandPump.PopBatchSize);
    }

    [Fact]
    public async Task FullShardQueue_InTheMiddleOfABatch_PutsBackTheRestInOrder()
    {
        int taken = 0;
        _shards.Behaviour = _ => Interlocked.Increment(ref taken) <= 3 ? CommandEnqueueResult.Enqueued : CommandEnqueueResult.QueueFull;
        var pump = StartPump(o => o.RedeliveryDelay = TimeSpan.FromMinutes(10));
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await Database.ListRightPushAsync($"{_prefix}:to:0", [.. Enumerable.Range(0, 10).Select(i => (RedisValue)Command($"c{i}"))]);
        await Eventually.TrueAsync(
            async () => await Database.ListLengthAsync($"{_prefix}:to:0") == 7, _prompt, "the seven the shard could not take are back");

        Assert.Equal(
            Enumerable.Range(3, 7).Select(i => Command($"c{i}")),
            (await Database.ListRangeAsync($"{_prefix}:to:0")).Select(v => (string)v!));
        Assert.Equal(4, _shards.AttemptCount);
    }

    [Fact]
    public async Task StopAndDispose_CanBeRepeated()
    {
        var pump = StartPump();
        pump.Host(0, 1);
        await WaitUntilListeningAsync(pump);

        await pump.StopAsync();
        await pump.StopAsync();
        await pump.DisposeAsync();

        Assert.Equal(-1, pump.ListeningVersion);
        Assert.Throws<InvalidOperationException>(pump.Start);
    }

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new CommandPump(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, redis.Port)),
            new CommandPumpOptions { BlockTimeout = TimeSpan.Zero },
            _shards.Enqueue,
            TimeProvider.System,
            NullLogger<CommandPump>.Instance));

        Assert.Contains("Redis:Commands:BlockTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_ShardOutsideTheCount_IsRefused()
    {
        var pump = CreatePump();

        Assert.Throws<ArgumentOutOfRangeException>(() => pump.Host(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => pump.Host(-1, 4));
        Assert.Empty(pump.HostedShards);
    }

    private CommandPump StartPump(Action<CommandPumpOptions>? configure = null, SharderInstruments? instruments = null)
    {
        var pump = CreatePump(configure, instruments);
        pump.Start();
        return pump;
    }

    private CommandPump CreatePump(Action<CommandPumpOptions>? configure = null, SharderInstruments? instruments = null)
    {
        var options = new CommandPumpOptions { KeyPrefix = _prefix };
        configure?.Invoke(options);
        var pump = new CommandPump(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, redis.Port)), options, _shards.Enqueue, TimeProvider.System, NullLogger<CommandPump>.Instance, instruments);
        _pumps.Add(pump);
        return pump;
    }

    /// <summary>A valid presence update carrying <paramref name="tag"/>.</summary>
    internal static string Command(string tag) => "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"" + tag + "\",\"afk\":false}}";

    /// <summary>The dead-letter entries once there are <paramref name="count"/>, oldest first.</summary>
    private async Task<List<JsonElement>> DeadLettersAsync(int count)
    {
        var key = $"{_prefix}:commands:dead";
        await Eventually.TrueAsync(async () => await Database.ListLengthAsync(key) >= count, _patient, $"{count} dead-letter entries");
        return [.. (await Database.ListRangeAsync(key)).Select(v => JsonDocument.Parse((string)v!).RootElement.Clone())];
    }

    private static Task WaitUntilListeningAsync(CommandPump pump)
        => Eventually.TrueAsync(
            () => pump.ListeningVersion == pump.HostedVersion, _prompt, "the pump's BLPOP waits on the current hosted shards");
}
