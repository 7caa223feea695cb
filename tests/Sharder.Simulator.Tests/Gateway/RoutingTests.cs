using System.Globalization;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-5.2, GP §10–§11: which session gets which event. Each test ends with a barrier event per shard,
/// so anything routed to the wrong shard would already have arrived there.</summary>
public sealed class RoutingTests
{
    private const int Shards = 4;
    private const int GuildMessages = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMessages);

    [Fact]
    public async Task Guild_messages_arrive_only_on_shard_guild_id_shifted_22_modulo_shard_count()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.MaxConcurrency = Shards);
        var clients = await StartShardsAsync(simulator, GuildMessages);
        var emitted = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var guild in simulator.World.Guilds) emitted.Add(simulator.EmitMessage(guild.Id).Uid);
        }

        var barriers = await BarrierAsync(simulator, clients);

        var received = new List<long>();
        for (var shard = 0; shard < Shards; shard++)
        {
            var messages = clients[shard].AllFrames.Where(f => f.Type == "MESSAGE_CREATE" && !barriers.Contains(Uid(f))).ToList();
            Assert.NotEmpty(messages);
            Assert.All(messages, f => Assert.Equal((ulong)shard, (GuildId(f) >> 22) % Shards));
            received.AddRange(messages.Select(Uid));
        }

        Assert.Equal(emitted.Order(), received.Order());
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task Direct_messages_arrive_only_on_shard_0()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.MaxConcurrency = Shards);
        var clients = await StartShardsAsync(simulator, GuildMessages | (int)GatewayIntents.DirectMessages);
        var dm = simulator.EmitMessage(guildId: null).Uid;

        await BarrierAsync(simulator, clients);

        Assert.Single(clients[0].AllFrames, f => f.Type == "MESSAGE_CREATE" && Uid(f) == dm);
        Assert.False(clients[0].AllFrames.Single(f => f.Type == "MESSAGE_CREATE" && Uid(f) == dm).Data.TryGetProperty("guild_id", out _));
        for (var shard = 1; shard < Shards; shard++) Assert.DoesNotContain(clients[shard].AllFrames, f => f.Type == "MESSAGE_CREATE" && Uid(f) == dm);
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task Without_guild_messages_intent_no_guild_message_arrives_but_direct_messages_do()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        const int intents = (int)(GatewayIntents.Guilds | GatewayIntents.DirectMessages);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, intents: intents);
        var guild = simulator.World.Guilds[0].Id;

        simulator.EmitMessage(guild);
        var dm = simulator.EmitMessage(null).Uid;
        var barrier = simulator.Emit(simulator.Events.Custom("GUILD_UPDATE", guild, "{\"id\":\"" + guild + "\"}")).Uid;
        await client.WaitForAsync(f => f.Type == "GUILD_UPDATE" && Uid(f) == barrier);

        Assert.Equal([dm], client.AllFrames.Where(f => f.Type == "MESSAGE_CREATE").Select(Uid));
    }

    [Fact]
    public async Task Without_message_content_intent_guild_content_is_blanked_except_mentions_and_direct_messages()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        const int withoutContent = GuildMessages | (int)GatewayIntents.DirectMessages;
        await using var blanked = await SimulatorHarness.ReadyClientAsync(simulator, intents: withoutContent);
        await using var full = await SimulatorHarness.ReadyClientAsync(simulator, intents: withoutContent | (int)GatewayIntents.MessageContent);
        var guild = simulator.World.Guilds[0].Id;

        var plain = simulator.EmitMessage(guild, approxBytes: 3000).Uid;
        var mention = simulator.Emit(simulator.Events.MessageCreate(guild, 1500, mentionsBot: true)).Uid;
        var dm = simulator.EmitMessage(null, approxBytes: 1500).Uid;
        await blanked.WaitForAsync(f => f.Type == "MESSAGE_CREATE" && Uid(f) == dm);
        await full.WaitForAsync(f => f.Type == "MESSAGE_CREATE" && Uid(f) == dm);

        var withoutIntent = Messages(blanked);
        var withIntent = Messages(full);
        Assert.Equal("", withoutIntent[plain].GetProperty("content").GetString());
        Assert.Equal(0, withoutIntent[plain].GetProperty("embeds").GetArrayLength());
        Assert.Equal(0, withoutIntent[plain].GetProperty("attachments").GetArrayLength());
        Assert.Equal(0, withoutIntent[plain].GetProperty("components").GetArrayLength());
        Assert.NotEqual("", withIntent[plain].GetProperty("content").GetString());
        Assert.Equal(withIntent[mention].GetProperty("content").GetString(), withoutIntent[mention].GetProperty("content").GetString());
        Assert.NotEqual("", withoutIntent[mention].GetProperty("content").GetString());
        Assert.Equal(withIntent[dm].GetRawText(), withoutIntent[dm].GetRawText());
        Assert.Equal(withIntent[plain].GetProperty("id").GetString(), withoutIntent[plain].GetProperty("id").GetString());
    }

    private static async Task<List<RawGatewayClient>> StartShardsAsync(GatewaySimulator simulator, int intents)
    {
        var clients = new List<RawGatewayClient>();
        for (var shard = 0; shard < Shards; shard++) clients.Add(await SimulatorHarness.ReadyClientAsync(simulator, shard, Shards, intents: intents));
        return clients;
    }

    /// <summary>Emits one message per shard and waits until each shard has it; returns the barrier uids.</summary>
    private static async Task<HashSet<long>> BarrierAsync(GatewaySimulator simulator, List<RawGatewayClient> clients)
    {
        var barriers = new HashSet<long>();
        for (var shard = 0; shard < Shards; shard++)
        {
            var guild = simulator.World.Guilds.First(g => (int)((g.Id >> 22) % Shards) == shard);
            var uid = simulator.EmitMessage(guild.Id).Uid;
            barriers.Add(uid);
            await clients[shard].WaitForAsync(f => f.Type == "MESSAGE_CREATE" && Uid(f) == uid);
        }

        return barriers;
    }

    private static Dictionary<long, System.Text.Json.JsonElement> Messages(RawGatewayClient client) =>
        client.AllFrames.Where(f => f.Type == "MESSAGE_CREATE").ToDictionary(Uid, f => f.Data);

    private static long Uid(RawFrame frame) => frame.Data.GetProperty(Simulator.Events.SimEventUid.PropertyName).GetInt64();

    private static ulong GuildId(RawFrame frame) => ulong.Parse(frame.Data.GetProperty("guild_id").GetString()!, CultureInfo.InvariantCulture);
}
