using System.Globalization;
using Sharder.Simulator.Events;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>
/// A reshard's overlap as Discord runs it: sessions of two shard totals identified at once each receive the
/// events of their guilds; the new total's sessions get their own READY and GUILD_CREATEs; the old total closed
/// by the client with 1000 goes away without its events being counted undeliverable.
/// </summary>
public sealed class OverlappingGenerationsTests
{
    private const int OldTotal = 2;
    private const int NewTotal = 4;
    private const int Intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMessages);

    [Fact]
    public async Task A_guild_event_reaches_one_session_of_each_total_and_new_sessions_get_ready_and_their_guilds()
    {
        await using var simulator = await SimulatorHarness.StartAsync(Configure);
        var old = await StartAsync(simulator, OldTotal);
        var fresh = await StartAsync(simulator, NewTotal);

        for (var shard = 0; shard < NewTotal; shard++)
        {
            var expected = simulator.World.GuildsForShard(shard, NewTotal).Select(g => g.Id).Order();
            var ready = fresh[shard].AllFrames.Single(f => f.Type == "READY");
            Assert.Equal(expected, ready.Data.GetProperty("guilds").EnumerateArray().Select(g => Id(g.GetProperty("id"))).Order());
            Assert.Equal([shard, NewTotal], ready.Data.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(expected, fresh[shard].AllFrames.Where(f => f.Type == "GUILD_CREATE").Select(f => Id(f.Data.GetProperty("id"))).Order());
        }

        var emitted = simulator.World.Guilds.ToDictionary(g => simulator.EmitMessage(g.Id).Uid, g => g.Id);
        foreach (var (uid, guild) in emitted)
        {
            await old[Snowflake.ShardFor(guild, OldTotal)].WaitForAsync(f => IsMessage(f, uid));
            await fresh[Snowflake.ShardFor(guild, NewTotal)].WaitForAsync(f => IsMessage(f, uid));
        }

        foreach (var uid in emitted.Keys)
        {
            Assert.Equal(1, old.Sum(c => c.AllFrames.Count(f => IsMessage(f, uid))));
            Assert.Equal(1, fresh.Sum(c => c.AllFrames.Count(f => IsMessage(f, uid))));
        }

        Assert.Empty(simulator.Ledger.Snapshot().Undeliverable);
        await DisposeAsync(old, fresh);
    }

    [Fact]
    public async Task Old_sessions_closed_with_1000_go_away_and_nothing_is_undeliverable_while_the_new_total_is_live()
    {
        await using var simulator = await SimulatorHarness.StartAsync(Configure);
        var old = await StartAsync(simulator, OldTotal);
        var fresh = await StartAsync(simulator, NewTotal);
        var oldSessions = old.Select(c => c.SessionId!).ToList();

        // One old shard goes first (the other still live), then the rest: the retiring total never loses an event.
        await old[0].CloseAsync(1000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, oldSessions[0], SessionState.Invalidated);
        var during = EmitOnePerGuild(simulator);
        await AllArriveAsync(fresh, during);
        await old[1].CloseAsync(1000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, oldSessions[1], SessionState.Invalidated);
        var after = EmitOnePerGuild(simulator);
        await AllArriveAsync(fresh, after);

        var ledger = simulator.Ledger.Snapshot();
        Assert.Empty(ledger.Undeliverable);
        Assert.Equal(OldTotal, ledger.Closes.Count(c => !c.ByServer && c.Code == 1000 && oldSessions.Contains(c.SessionId!)));
        Assert.All(simulator.Sessions(), s => Assert.Equal(NewTotal, s.NumShards));
        Assert.DoesNotContain(ledger.Routed, r => r.NumShards == OldTotal && after.ContainsKey(r.EventUid));
        Assert.Equal(after.Count, ledger.Produced.Count(p => after.ContainsKey(p.EventUid)));
        await DisposeAsync(old, fresh);
    }

    [Fact]
    public async Task Once_the_old_total_is_retired_a_shard_without_a_session_loses_events_for_the_new_total_only()
    {
        await using var simulator = await SimulatorHarness.StartAsync(Configure);
        var old = await StartAsync(simulator, OldTotal);
        var fresh = await StartAsync(simulator, NewTotal);
        var guild = simulator.World.Guilds.First(g => Snowflake.ShardFor(g.Id, NewTotal) == 3).Id;
        foreach (var client in old)
        {
            await client.CloseAsync(1000);
            await SimulatorHarness.WaitForSessionStateAsync(simulator, client.SessionId!, SessionState.Invalidated);
        }

        await fresh[3].CloseAsync(1000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, fresh[3].SessionId!, SessionState.Invalidated);
        var lost = simulator.EmitMessage(guild).Uid;

        var undeliverable = Assert.Single(simulator.Ledger.Snapshot().Undeliverable);
        Assert.Equal((lost, 3, NewTotal), (undeliverable.EventUid, undeliverable.ShardId, undeliverable.NumShards));
        await DisposeAsync(old, fresh);
    }

    // One rate-limit key per shard id and a short window: the shards identify one after another.
    private static void Configure(SimulatorOptions options)
    {
        options.MaxConcurrency = 16;
        options.IdentifyWindowMs = 1;
    }

    private static async Task<List<RawGatewayClient>> StartAsync(GatewaySimulator simulator, int total)
    {
        var clients = new List<RawGatewayClient>();
        for (var shard = 0; shard < total; shard++) clients.Add(await SimulatorHarness.ReadyClientAsync(simulator, shard, total, intents: Intents));
        return clients;
    }

    private static Dictionary<long, ulong> EmitOnePerGuild(GatewaySimulator simulator) =>
        simulator.World.Guilds.ToDictionary(g => simulator.EmitMessage(g.Id).Uid, g => g.Id);

    private static async Task AllArriveAsync(List<RawGatewayClient> clients, Dictionary<long, ulong> emitted)
    {
        foreach (var (uid, guild) in emitted) await clients[Snowflake.ShardFor(guild, clients.Count)].WaitForAsync(f => IsMessage(f, uid));
    }

    private static async Task DisposeAsync(params List<RawGatewayClient>[] groups)
    {
        foreach (var client in groups.SelectMany(g => g)) await client.DisposeAsync();
    }

    private static bool IsMessage(RawFrame frame, long uid) =>
        frame.Type == "MESSAGE_CREATE" && frame.Data.GetProperty(SimEventUid.PropertyName).GetInt64() == uid;

    private static ulong Id(System.Text.Json.JsonElement element) => ulong.Parse(element.GetString()!, CultureInfo.InvariantCulture);
}
