using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Commands;
using Sharder.Grains.Gateway;
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
        await connection.GetDatabase().ListRightPushAsync("outage:to:3", CommandPumpTests.Command("after restart"));
        var delivered = await _shards.NextDeliveredAsync(_recoveryTimeout, "the command pushed after the restart arrives");

        Assert.Equal((3, CommandPumpTests.Command("after restart")), (delivered.ShardId, delivered.Text));
    }

    [Fact]
    public async Task CommandRefusedDuringAnOutage_IsPutBackOnceRedisReturns()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        using var gate = new ManualResetEventSlim();
        int attempts = 0;
        _shards.Behaviour = _ =>
        {
            if (Interlocked.Increment(ref attempts) != 1)
            {
                return CommandEnqueueResult.Enqueued;
            }

            // Holds the pump (a test-only stall) until Redis is down, so putting the command back must wait for it.
            gate.Wait(_recoveryTimeout);
            return CommandEnqueueResult.QueueFull;
        };
        await using var pump = StartPump(server);
        pump.Host(3, 4);
        await Eventually.TrueAsync(() => pump.ListeningVersion == pump.HostedVersion, _recoveryTimeout, "the pump listens");
        await using (var connection = await TestRedis.ConnectAsync(server.ConnectionString))
        {
            await connection.GetDatabase().ListRightPushAsync("outage:to:3", CommandPumpTests.Command("keep me"));
        }

        await _shards.NextAttemptAsync(_recoveryTimeout, "the first delivery attempt starts");
        await server.StopAsync();
        gate.Set();
        await server.StartAsync();
        var delivered = await _shards.NextDeliveredAsync(_recoveryTimeout, "the refused command is delivered after the restart");

        Assert.Equal((3, CommandPumpTests.Command("keep me")), (delivered.ShardId, delivered.Text));
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
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, server.Port)), options, _shards.Enqueue, TimeProvider.System, NullLogger<CommandPump>.Instance);
        pump.Start();
        return pump;
    }
}
