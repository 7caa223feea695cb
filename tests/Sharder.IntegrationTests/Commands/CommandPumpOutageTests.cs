using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Commands;
using Sharder.IntegrationTests.Sink;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Commands;

/// <summary>Each test owns its server, so stopping it disturbs no other test.</summary>
public sealed class CommandPumpOutageTests
{
    private static readonly TimeSpan _recoveryTimeout = TimeSpan.FromSeconds(15);

    private readonly RecordingShards _shards = new();

    [Fact]
    public async Task RedisRestart_ThePumpReconnects_AndTakesNewCommands()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await using var pump = StartPump(server);
        pump.Host(3, 4);
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _recoveryTimeout, "the pump listens");

        await server.StopAsync();
        await Eventually.TrueAsync(() => pump.ListeningVersion == -1, _recoveryTimeout, "the pump notices the outage");
        await server.StartAsync();
        await using var connection = await TestRedis.ConnectAsync(server.ConnectionString);
        await connection.GetDatabase().ListRightPushAsync("outage:to:3", "after restart");
        var delivered = await _shards.NextDeliveredAsync(_recoveryTimeout, "the command pushed after the restart arrives");

        Assert.Equal((3, "after restart"), (delivered.ShardId, delivered.Text));
    }

    [Fact]
    public async Task CommandRefusedDuringAnOutage_IsPutBackOnceRedisReturns()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int attempts = 0;
        _shards.Behaviour = async (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await gate.Task;
                throw new InvalidOperationException("shard is reconnecting");
            }
        };
        await using var pump = StartPump(server);
        pump.Host(3, 4);
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _recoveryTimeout, "the pump listens");
        await using (var connection = await TestRedis.ConnectAsync(server.ConnectionString))
        {
            await connection.GetDatabase().ListRightPushAsync("outage:to:3", "keep me");
        }

        await _shards.NextAttemptAsync(_recoveryTimeout, "the first delivery attempt starts");
        await server.StopAsync();
        gate.SetResult();
        await server.StartAsync();
        var delivered = await _shards.NextDeliveredAsync(_recoveryTimeout, "the refused command is delivered after the restart");

        Assert.Equal((3, "keep me"), (delivered.ShardId, delivered.Text));
        Assert.Equal(2, _shards.AttemptCount);
    }

    private CommandPump StartPump(RedisServer server)
    {
        var options = new CommandPumpOptions
        {
            KeyPrefix = "outage",
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            RedeliveryDelay = TimeSpan.FromMilliseconds(100),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var pump = new CommandPump(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, server.Port)), options, _shards.DeliverAsync, TimeProvider.System, NullLogger<CommandPump>.Instance);
        pump.Start();
        return pump;
    }
}
