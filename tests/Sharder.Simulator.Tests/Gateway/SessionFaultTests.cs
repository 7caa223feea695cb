using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>F26, F27, F29, F30: session-level faults seen from a plain client.</summary>
public sealed class SessionFaultTests
{
    [Fact]
    public async Task F26_withheld_ready_arrives_after_the_delay_while_heartbeats_are_acked()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(time: time);
        simulator.Inject(new FaultSpec { Kind = FaultKind.WithholdReady, ShardId = 0, DelayMs = 600 });
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();
        await client.IdentifyAsync(simulator.Token);
        await simulator.WaitUntilAsync(s => s.Connections().Single().State == Simulator.Gateway.ConnectionState.Identified, SimulatorHarness.Patience, "the identify");

        time.Advance(TimeSpan.FromMilliseconds(599));
        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
        Assert.DoesNotContain(client.AllFrames, f => f.Op == 0);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var ready = await client.NextAsync();
        Assert.Equal(("READY", 1L), (ready.Type, ready.Seq!.Value));
    }

    [Fact]
    public async Task F27_guild_outage_sends_guild_delete_unavailable_and_recovery_a_full_guild_create()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var guild = simulator.World.Guilds.First(g => (g.Id >> 22) % 2 == 0);
        var guildId = guild.Id.ToString(CultureInfo.InvariantCulture);

        simulator.GuildOutage(guild.Id);
        var delete = await client.WaitForDispatchAsync("GUILD_DELETE");
        Assert.Equal(guildId, delete.Data.GetProperty("id").GetString());
        Assert.True(delete.Data.GetProperty("unavailable").GetBoolean());

        // A session that starts during the outage sees the guild as unavailable.
        await using var during = await SimulatorHarness.ReadyClientAsync(simulator, 0, 2);
        var stub = during.AllFrames.Single(f => f.Type == "GUILD_CREATE" && f.Data.GetProperty("id").GetString() == guildId);
        Assert.True(stub.Data.GetProperty("unavailable").GetBoolean());
        Assert.False(stub.Data.TryGetProperty("name", out _));

        simulator.GuildRecovered(guild.Id);
        var create = await client.WaitForDispatchAsync("GUILD_CREATE");
        Assert.Equal(guild.Name, create.Data.GetProperty("name").GetString());
        Assert.False(create.Data.TryGetProperty("unavailable", out var unavailable) && unavailable.GetBoolean());
        Assert.Equal(delete.Seq + 1, create.Seq);
        Assert.Equal(guild.Name, (await during.WaitForDispatchAsync("GUILD_CREATE")).Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task F27_guild_that_started_unavailable_comes_back_with_a_full_guild_create()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.World.UnavailableFraction = 1);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var guild = simulator.World.Guilds[0];
        Assert.All(client.AllFrames.Where(f => f.Type == "GUILD_CREATE"), f => Assert.True(f.Data.GetProperty("unavailable").GetBoolean()));

        simulator.GuildRecovered(guild.Id);

        var create = await client.WaitForDispatchAsync("GUILD_CREATE");
        Assert.Equal(guild.Name, create.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task F29_second_all_members_request_within_the_cooldown_gets_rate_limited_without_a_close()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        const int intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMembers);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, intents: intents);
        var guild = simulator.World.Guilds[0];
        var guildId = guild.Id.ToString(CultureInfo.InvariantCulture);
        var request = "{\"op\":8,\"d\":{\"guild_id\":\"" + guildId + "\",\"query\":\"\",\"limit\":0,\"nonce\":\"n-";

        await client.SendAsync(request + "1\"}}");
        var last = await client.WaitForAsync(f => f.Type == "GUILD_MEMBERS_CHUNK" && f.Data.GetProperty("chunk_index").GetInt32() == f.Data.GetProperty("chunk_count").GetInt32() - 1);
        Assert.Equal("n-1", last.Data.GetProperty("nonce").GetString());
        Assert.Equal(guild.MemberCount, client.AllFrames.Where(f => f.Type == "GUILD_MEMBERS_CHUNK").Sum(f => f.Data.GetProperty("members").GetArrayLength()));
        await client.SendAsync(request + "2\"}}");
        var limited = await client.WaitForDispatchAsync("RATE_LIMITED");

        Assert.Equal(8, limited.Data.GetProperty("opcode").GetInt32());
        Assert.InRange(limited.Data.GetProperty("retry_after").GetDouble(), 0.001, 30);
        Assert.Equal(guildId, limited.Data.GetProperty("meta").GetProperty("guild_id").GetString());
        Assert.Equal("n-2", limited.Data.GetProperty("meta").GetProperty("nonce").GetString());
        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
        Assert.Null(SimulatorHarness.ConnectionOf(simulator, client).ServerCloseCode);
        Assert.Equal(2, simulator.Commands.Count(c => c.Op == 8));
    }

    [Fact]
    public async Task F30_reconnect_to_every_shard_and_all_resume_without_spending_identifies()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.MaxConcurrency = 16;
            o.ReconnectGraceMs = 150;
        });
        var clients = new List<RawGatewayClient>();
        for (var shard = 0; shard < 3; shard++) clients.Add(await SimulatorHarness.ReadyClientAsync(simulator, shard, 3));
        var remaining = simulator.IdentifyBudgetRemaining;

        Assert.Equal(3, simulator.Inject(new FaultSpec { Kind = FaultKind.Reconnect }));

        var resumed = new List<RawGatewayClient>();
        foreach (var client in clients)
        {
            Assert.Equal(7, (await client.NextAsync()).Op);
            Assert.Null(await client.WaitForCloseAsync());
            await SimulatorHarness.WaitForSessionStateAsync(simulator, client.SessionId!, SessionState.Detached);
        }

        foreach (var guild in simulator.World.Guilds) simulator.EmitMessage(guild.Id);
        foreach (var client in clients) resumed.Add(await SimulatorHarness.ResumedClientAsync(simulator, client));

        Assert.Equal(remaining, simulator.IdentifyBudgetRemaining);
        Assert.Equal(simulator.World.Guilds.Count, resumed.Sum(c => c.Published.Count(p => p.Type == "MESSAGE_CREATE")));
        var report = SimulatorHarness.AssertLedgerOk(simulator, [.. clients, .. resumed]);
        Assert.Equal((3, 3), (report.Identifies, report.Resumes));
        foreach (var client in clients.Concat(resumed)) await client.DisposeAsync();
    }
}
