using System.Globalization;
using System.Text;
using System.Text.Json;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-3.1–: the exact frames the simulator writes, as a plain client decodes them.</summary>
public sealed class FrameShapeTests
{
    [Fact]
    public async Task Hello_is_the_exact_documented_frame()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.HeartbeatIntervalMs = 41_250);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);

        var hello = await client.NextAsync();

        Assert.Equal("""{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250,"_trace":["[\"sim-gateway-bootstrap\",{\"micros\":0.0}]"]}}""", hello.Json);
        Assert.False(hello.Binary);
        Assert.Equal(41_250, client.HeartbeatInterval);
    }

    [Fact]
    public async Task Heartbeat_ack_is_the_exact_documented_frame()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();

        await client.SendAsync("""{"op":1,"d":null}""");
        var ack = await client.NextAsync();

        Assert.Equal("""{"t":null,"s":null,"op":11,"d":null}"""u8.ToArray(), ack.Wire);
        Assert.False(ack.Binary);
    }

    [Fact]
    public async Task Ready_has_seq_1_a_hex_session_id_and_a_distinct_resume_url_without_trailing_slash()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);

        var ready = client.AllFrames.Single(f => f.Type == "READY");

        Assert.Equal(0, ready.Op);
        Assert.Equal(1, ready.Seq);
        Assert.Matches("^[0-9a-f]{32}$", ready.Data.GetProperty("session_id").GetString());
        var resumeUrl = ready.Data.GetProperty("resume_gateway_url").GetString()!;
        Assert.NotEqual(simulator.GatewayUrl, resumeUrl);
        Assert.StartsWith("ws://127.0.0.1:", resumeUrl, StringComparison.Ordinal);
        Assert.False(resumeUrl.EndsWith('/'));
        Assert.Contains(resumeUrl, simulator.ResumeUrls);
        Assert.Equal(10, ready.Data.GetProperty("v").GetInt32());
        Assert.True(ready.Data.GetProperty("user").GetProperty("bot").GetBoolean());
        Assert.Equal([0, 1], ready.Data.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Ready_lists_only_the_guilds_routed_to_the_shard_then_one_guild_create_each_with_increasing_seq(int shardId)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.World.GuildCount = 9);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, shardId, numShards: 3);
        var expected = simulator.World.Guilds.Where(g => (int)((g.Id >> 22) % 3) == shardId).Select(g => g.Id).ToList();

        var ready = client.AllFrames.Single(f => f.Type == "READY");
        var readyGuilds = ready.Data.GetProperty("guilds").EnumerateArray().ToList();
        var creates = client.AllFrames.Where(f => f.Op == 0).Skip(1).ToList();

        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, readyGuilds.Select(g => ulong.Parse(g.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)));
        Assert.All(readyGuilds, g => Assert.True(g.GetProperty("unavailable").GetBoolean()));
        Assert.All(creates, f => Assert.Equal("GUILD_CREATE", f.Type));
        Assert.Equal(Enumerable.Range(2, expected.Count).Select(i => (long?)i), creates.Select(f => f.Seq));
        Assert.Equal(expected, creates.Select(f => ulong.Parse(f.Data.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("zlib-stream")]
    [InlineData("zstd-stream")]
    public async Task Every_server_frame_has_the_keys_t_s_op_d_in_that_order(string? compress)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        const int intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.GuildPresences | GatewayIntents.GuildMessageTyping);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, compress: compress, intents: intents);
        var guild = simulator.World.Guilds[0].Id;
        simulator.EmitMessage(guild);
        simulator.Emit(simulator.Events.PresenceUpdate(guild));
        simulator.Emit(simulator.Events.TypingStart(guild));
        await client.WaitForDispatchAsync("TYPING_START");
        await client.HeartbeatAsync();
        await client.WaitForAsync(f => f.Op == 11);

        Assert.All(client.AllFrames, f => Assert.Equal(["t", "s", "op", "d"], TopLevelKeys(f.Json)));
        Assert.All(client.AllFrames.Where(f => f.Op == 0), f => Assert.StartsWith("{\"t\":\"" + f.Type + "\",\"s\":" + f.Seq + ",\"op\":0,\"d\":{", f.Json, StringComparison.Ordinal));
        Assert.All(client.AllFrames.Where(f => f.Op != 0), f => Assert.StartsWith("{\"t\":null,\"s\":null,\"op\":", f.Json, StringComparison.Ordinal));
        Assert.Equal(compress is not null, client.AllFrames.All(f => f.Binary));
    }

    [Fact]
    public async Task Dispatch_snowflakes_are_strings_and_guild_create_reports_large_by_member_count()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.World = new WorldOptions { GuildCount = 0 });
        simulator.World.AddGuild(guildCreateBytes: 8 * 1024, memberCount: 60);
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, intents: 513 | (int)GatewayIntents.GuildPresences);

        var create = client.AllFrames.Single(f => f.Type == "GUILD_CREATE");

        Assert.Equal(JsonValueKind.String, create.Data.GetProperty("id").ValueKind);
        Assert.Equal(60, create.Data.GetProperty("member_count").GetInt32());
        Assert.True(create.Data.GetProperty("large").GetBoolean());
        Assert.Equal(Encoding.UTF8.GetByteCount(create.Json), create.Wire!.Length);
    }

    private static List<string> TopLevelKeys(string json)
    {
        var keys = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }

        return keys;
    }
}
