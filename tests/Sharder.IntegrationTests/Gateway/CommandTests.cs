using System.Globalization;
using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Gateway.RateLimiting;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>Commands from the shard to the gateway: F19 (rate limit), F20 (oversize), F29 (RATE_LIMITED dispatch).</summary>
public sealed class CommandTests(ITestOutputHelper output)
{
    /// <summary>
    /// F19: 200 commands at once. The limiter lets through what fits next to the heartbeat reservation and
    /// holds the rest (Discord's window is 60 s), so the gateway's peak stays within 120 and it never
    /// closes with 4008.
    /// </summary>
    [Fact]
    public async Task CommandFlood_StaysWithinTheLimit_AndTheGatewayNeverCloses4008()
    {
        const int intervalMs = 2_000;
        const int flood = 200;
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, o => o.HeartbeatIntervalMs = intervalMs);
        var shard = await scenario.StartReadyShardAsync();
        var connection = Assert.Single(scenario.Connections).Id;
        var reserved = new CommandRateLimiter(TimeProvider.System, TimeSpan.FromMilliseconds(intervalMs)).ReservedPermits;
        var allowed = GatewayOptions.DEFAULT_COMMANDS_PER_MINUTE - reserved;

        using var abandon = new CancellationTokenSource();
        var sends = Enumerable.Range(0, flood).Select(i => shard.SendAsync(PresenceUpdate(i), abandon.Token).AsTask()).ToList();
        await scenario.WaitUntilAsync(() => scenario.Simulator.Commands.Count >= allowed, $"{allowed} commands reached the gateway");

        // Let two heartbeats pass with the connection alive: the held commands must stay held.
        var beats = HeartbeatCount(scenario, connection);
        await scenario.WaitUntilAsync(() => HeartbeatCount(scenario, connection) >= beats + 2, "two more heartbeats");
        Assert.Equal(allowed, scenario.Simulator.Commands.Count);
        Assert.Equal(allowed, sends.Count(s => s.IsCompletedSuccessfully));

        var report = scenario.Check();
        output.WriteLine($"F19: {allowed} of {flood} commands sent at once ({reserved} slots reserved); gateway peak {report.MaxCommandsPer60s} payloads per 60 s");
        Assert.InRange(report.MaxCommandsPer60s, allowed, GatewayOptions.DEFAULT_COMMANDS_PER_MINUTE);
        Assert.Equal(0, report.CountCloses(byServer: true, 4008));
        Assert.True(Assert.Single(scenario.Connections).Open);
        Assert.Equal(0, shard.Status.TotalReconnects);

        await abandon.CancelAsync();
        foreach (var held in sends.Where(s => !s.IsCompletedSuccessfully))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        }
    }

    /// <summary>F20: a command over 4096 bytes is refused locally and never reaches the gateway; one of exactly 4096 bytes goes out.</summary>
    [Fact]
    public async Task OversizeCommand_IsRejectedLocally_AndNeverReachesTheGateway()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var shard = await scenario.StartReadyShardAsync();
        var limit = scenario.Options.MaxCommandBytes;

        var tooLarge = await Assert.ThrowsAsync<GatewayCommandTooLargeException>(
            () => shard.SendAsync(PresenceUpdateOfSize(limit + 1), CancellationToken.None).AsTask());
        Assert.Equal((limit + 1, limit), (tooLarge.Size, tooLarge.Limit));

        await shard.SendAsync(PresenceUpdateOfSize(limit), CancellationToken.None);
        var received = await scenario.Simulator.WaitForCommandAsync(c => c.Op == 3, GatewayScenario.WaitTimeout);
        Assert.Equal(limit, Encoding.UTF8.GetByteCount(received.Json));
        Assert.Single(scenario.Simulator.Commands);
        Assert.Equal(0, scenario.Check().CountCloses(byServer: true, 4002));
        Assert.True(Assert.Single(scenario.Connections).Open);
    }

    /// <summary>F29: a second request for all members within 30 s is answered with a RATE_LIMITED dispatch, which the shard forwards without disconnecting.</summary>
    [Fact]
    public async Task RepeatedRequestForAllMembers_RateLimitedDispatchIsForwarded_WithoutADisconnect()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var shard = await scenario.StartReadyShardAsync();
        var guild = scenario.Simulator.World.GuildsForShard(0, 1).First().Id;

        await shard.SendAsync(RequestAllMembers(guild, "first"), CancellationToken.None);
        await shard.SendAsync(RequestAllMembers(guild, "second"), CancellationToken.None);
        await scenario.WaitUntilAsync(() => scenario.Sink.OfType("RATE_LIMITED").Count == 1, "the RATE_LIMITED dispatch reached the sink");

        var limited = RecordingSink.Text(Assert.Single(scenario.Sink.OfType("RATE_LIMITED")));
        Assert.Contains("\"opcode\":8", limited, StringComparison.Ordinal);
        Assert.Contains("\"nonce\":\"second\"", limited, StringComparison.Ordinal);
        Assert.Contains(scenario.Sink.OfType("GUILD_MEMBERS_CHUNK"), c => RecordingSink.Text(c).Contains("\"nonce\":\"first\"", StringComparison.Ordinal));
        Assert.Equal(0, shard.Status.TotalReconnects);
        Assert.True(Assert.Single(scenario.Connections).Open);
        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 0), (report.Identifies, report.Resumes));
    }

    private static byte[] PresenceUpdate(int index) => PresenceUpdate("flood " + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>A presence update padded to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] PresenceUpdateOfSize(int size) => PresenceUpdate(new string('x', size - PresenceUpdate("").Length));

    private static byte[] PresenceUpdate(string activity) =>
        Encoding.UTF8.GetBytes("{\"op\":3,\"d\":{\"since\":null,\"activities\":[{\"name\":\"" + activity + "\",\"type\":0}],\"status\":\"online\",\"afk\":false}}");

    private static byte[] RequestAllMembers(ulong guildId, string nonce) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture, $"{{\"op\":8,\"d\":{{\"guild_id\":\"{guildId}\",\"query\":\"\",\"limit\":0,\"nonce\":\"{nonce}\"}}}}"));

    private static int HeartbeatCount(GatewayScenario scenario, long connectionId) =>
        scenario.Simulator.Ledger.Snapshot().Heartbeats.Count(h => h.ConnectionId == connectionId);
}
