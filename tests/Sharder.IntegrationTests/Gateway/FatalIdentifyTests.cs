using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// F21: an Identify the gateway can never accept (bad token, bad shard, too many guilds, bad or
/// privileged intents) is closed with a fatal code. The shard stops (FatallyClosed) after exactly one
/// Identify and opens no further connection: no reconnect storm. 4012 (bad API version) cannot be
/// provoked from this client, which always asks for v=10; <see cref="CloseCodeTests"/> covers it as an
/// injected close.
/// </summary>
public sealed class FatalIdentifyTests(ITestOutputHelper output)
{
    /// <summary>GUILD_MEMBERS (1 &lt;&lt; 1), a privileged intent.</summary>
    private const ulong GuildMembersIntent = 1 << 1;

    /// <summary>Bit 17, outside every documented intent.</summary>
    private const ulong UndocumentedIntent = 1 << 17;

    [Theory]
    [InlineData(4004)]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4013)]
    [InlineData(4014)]
    public async Task Identify_TheGatewayRejectsFatally_StopsAfterOneAttempt(int code)
    {
        string? token = null;
        Action<SimulatorOptions>? simulator = null;
        Action<GatewayOptions>? gateway = null;
        switch (code)
        {
            case 4004:
                token = "not-the-bot-token";
                break;
            case 4010:
                simulator = o => o.RequiredShardMultiple = 16;
                break;
            case 4011:
                simulator = o => o.MaxGuildsPerShard = o.World.GuildCount - 1;
                break;
            case 4013:
                gateway = o => o.Intents = GatewayScenario.AllIntents | UndocumentedIntent;
                break;
            case 4014:
                simulator = o => o.EnabledPrivilegedIntents = 0;
                gateway = o => o.Intents = GuildMembersIntent;
                break;
        }

        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, simulator, gateway);
        var shard = scenario.StartShard(token: token);

        var fatal = await Assert.ThrowsAsync<GatewayFatalCloseException>(() => shard.Completion.WaitAsync(GatewayScenario.WaitTimeout));

        // Completion means the run loop is over, so the counts below cannot grow any more.
        Assert.Equal(code, fatal.CloseCode);
        Assert.Equal(GatewayState.FatallyClosed, shard.State);
        Assert.Equal(1, shard.Status.Identifies);
        // One permit used; a first connect slower than the connect lead may hand one back unused first.
        Assert.Equal(1, scenario.IdentifyGate.Granted - scenario.IdentifyGate.HandedBack);
        var connection = Assert.Single(scenario.Connections);
        Assert.Equal(code, connection.ServerCloseCode);
        Assert.Empty(scenario.Simulator.Sessions());
        Assert.Equal(0, scenario.Sink.Count);
        await Assert.ThrowsAsync<GatewayFatalCloseException>(() => shard.SendAsync("{\"op\":3,\"d\":{}}"u8.ToArray(), CancellationToken.None).AsTask());
    }
}
