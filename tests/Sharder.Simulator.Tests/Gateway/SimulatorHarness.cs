using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>A started simulator with small worlds and short time constants, for one test.</summary>
internal static class SimulatorHarness
{
    /// <summary>How long a test waits for something that should happen at once.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>How long a test watches for something that must not happen.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static async Task<GatewaySimulator> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SimulatorOptions
        {
            // The raw test clients do not heartbeat: a connection is closed with 4009 after 1.5 intervals, which a
            // loaded CI machine once reached while a test was still waiting for READY (7.5 s at 5 s). Tests of the
            // heartbeat set their own interval.
            HeartbeatIntervalMs = 30_000,
            IdentifyWindowMs = 200,
            World = new WorldOptions { GuildCount = 8, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() },
        };
        configure?.Invoke(options);
        var simulator = new GatewaySimulator(options, time);
        await simulator.StartAsync();
        return simulator;
    }

    /// <summary>Connects, reads Hello, identifies and waits for READY.</summary>
    public static async Task<RawGatewayClient> IdentifiedClientAsync(GatewaySimulator simulator, int shardId = 0, int numShards = 1,
        string? compress = null, int intents = 513)
    {
        var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, compress);
        var hello = await client.NextAsync();
        Assert.Equal(10, hello.Op);
        await client.IdentifyAsync(simulator.Token, shardId, numShards, intents);
        await client.WaitForDispatchAsync("READY");
        return client;
    }

    /// <summary>Identifies and waits until the whole GUILD_CREATE burst of the shard arrived and the session is routed.</summary>
    public static async Task<RawGatewayClient> ReadyClientAsync(GatewaySimulator simulator, int shardId = 0, int numShards = 1,
        string? compress = null, int intents = 513)
    {
        var client = await IdentifiedClientAsync(simulator, shardId, numShards, compress, intents);
        var guilds = simulator.World.CountGuildsForShard(shardId, numShards);
        await client.WaitForAsync(f => f.Seq == 1 + guilds);
        await simulator.WaitUntilAsync(s => s.Sessions().Any(x => x.Id == client.SessionId), Patience, "the session to be routed");
        return client;
    }

    /// <summary>Opens a new connection to the previous client's resume URL and resumes its session from
    /// <paramref name="fromSeq"/> (default: the last seq it received), waiting for RESUMED.</summary>
    public static async Task<RawGatewayClient> ResumedClientAsync(GatewaySimulator simulator, RawGatewayClient previous, long? fromSeq = null,
        string? compress = null)
    {
        var client = await RawGatewayClient.ConnectAsync(previous.ResumeUrl!, compress);
        client.ContinueSessionOf(previous);
        Assert.Equal(10, (await client.NextAsync()).Op);
        await client.ResumeAsync(simulator.Token, previous.SessionId!, fromSeq ?? previous.LastSeq ?? 0);
        await client.WaitForDispatchAsync("RESUMED");
        return client;
    }

    /// <summary>The simulator's view of the connection that holds the client's session.</summary>
    public static ConnectionInfo ConnectionOf(GatewaySimulator simulator, RawGatewayClient client) =>
        simulator.Connections().Single(c => c.SessionId == client.SessionId);

    public static Task WaitForSessionStateAsync(GatewaySimulator simulator, string sessionId, SessionState state) =>
        simulator.WaitUntilAsync(s => StateOf(s, sessionId) == state, Patience, $"session {sessionId} to be {state}");

    /// <summary>The session's state; a session the simulator already forgot counts as invalidated.</summary>
    public static SessionState StateOf(GatewaySimulator simulator, string sessionId) =>
        simulator.Sessions().FirstOrDefault(s => s.Id == sessionId)?.State ?? SessionState.Invalidated;

    /// <summary>Checks the R-10 invariants against everything the clients published, in client order, and asserts they hold.</summary>
    public static InvariantReport AssertLedgerOk(GatewaySimulator simulator, params RawGatewayClient[] clients)
    {
        var report = simulator.Check([.. clients.SelectMany(c => c.Published)]);
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        return report;
    }

    /// <summary>The session's last assigned seq.</summary>
    public static long SeqOf(GatewaySimulator simulator, string sessionId) => simulator.Sessions().Single(s => s.Id == sessionId).Seq;
}
