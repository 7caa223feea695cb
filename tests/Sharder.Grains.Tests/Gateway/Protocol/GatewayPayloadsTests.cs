using System.Buffers;
using System.Text;
using System.Text.Json;
using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Tests.Gateway.Protocol;

public sealed class GatewayPayloadsTests
{
    private const string Token = "Bot fake-token-for-tests.not.real";

    // Abridged from a real v10 READY (discord-gateway.md §4.2), key order as on the wire.
    private const string RealReady = """
        {"t":"READY","s":1,"op":0,"d":{"v":10,"user_settings":{},"user":{"verified":true,"username":"Test","id":"1896186316901649619","bot":true,"avatar":null},"shard":[0,1],"session_type":"normal","session_id":"46518a1bf6912ed649618c831861ab91","resume_gateway_url":"wss://gateway-us-east1-c.discord.gg","relationships":[],"private_channels":[],"presences":[],"guilds":[{"unavailable":true,"id":"961969618123483218"}],"geo_ordered_rtc_regions":["us-east"],"auth":{},"application":{"id":"1","flags":41975808},"_trace":["[\"gateway-prd\",{\"micros\":1.0}]"]}}
        """;

    [Fact]
    public void Reads_heartbeat_interval_from_real_hello()
    {
        var json = GoldenVectors.ZstdHelloJson;
        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.True(GatewayPayloads.TryReadHello(header.GetData(json), out var interval));

        Assert.Equal(TimeSpan.FromMilliseconds(41250), interval);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"heartbeat_interval":0}""")]
    [InlineData("""{"heartbeat_interval":-5}""")]
    [InlineData("""{"heartbeat_interval":9223372036854775807}""")]
    [InlineData("""{"heartbeat_interval":"41250"}""")]
    [InlineData("""{"heartbeat_interval":null}""")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("")]
    public void Rejects_invalid_hello(string data)
    {
        Assert.False(GatewayPayloads.TryReadHello(Encoding.UTF8.GetBytes(data), out _));
    }

    [Theory]
    [InlineData("""{"heartbeat_interval":9223372036854775807}""", long.MaxValue)]
    [InlineData("""{"heartbeat_interval":-5}""", -5)]
    [InlineData("""{"heartbeat_interval":1}""", 1)]
    public void Reads_any_integer_heartbeat_interval_for_the_caller_to_check(string data, long expected)
    {
        Assert.True(GatewayPayloads.TryReadHelloMilliseconds(Encoding.UTF8.GetBytes(data), out var milliseconds));
        Assert.Equal(expected, milliseconds);
    }

    [Fact]
    public void Reads_session_id_and_resume_url_from_real_ready()
    {
        var json = Encoding.UTF8.GetBytes(RealReady);
        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));
        Assert.Equal(GatewayEventNames.Ready, header.EventType);
        Assert.Equal(1, header.Sequence);

        Assert.True(GatewayPayloads.TryReadReady(header.GetData(json), out var ready));

        Assert.Equal("46518a1bf6912ed649618c831861ab91", ready.SessionId);
        Assert.Equal("wss://gateway-us-east1-c.discord.gg", ready.ResumeGatewayUrl);
    }

    [Theory]
    [InlineData("""{"resume_gateway_url":"wss://x"}""")]
    [InlineData("""{"session_id":"abc"}""")]
    [InlineData("""{"session_id":null,"resume_gateway_url":"wss://x"}""")]
    [InlineData("""{"session_id":"","resume_gateway_url":"wss://x"}""")]
    [InlineData("""{"session_id":"abc","resume_gateway_url":""}""")]
    [InlineData("""{"session_id":5,"resume_gateway_url":"wss://x"}""")]
    [InlineData("null")]
    [InlineData("{\"session_id\":\"a\"")]
    public void Rejects_ready_without_usable_session(string data)
    {
        Assert.False(GatewayPayloads.TryReadReady(Encoding.UTF8.GetBytes(data), out var ready));
        Assert.Null(ready);
    }

    [Theory]
    [InlineData("true", true, true)]
    [InlineData("false", true, false)]
    [InlineData("null", false, false)]
    [InlineData("1", false, false)]
    [InlineData("\"true\"", false, false)]
    [InlineData("", false, false)]
    public void Reads_invalid_session_resumable_flag(string data, bool parsed, bool resumable)
    {
        Assert.Equal(parsed, GatewayPayloads.TryReadInvalidSession(Encoding.UTF8.GetBytes(data), out var value));
        Assert.Equal(resumable, value);
    }

    [Fact]
    public void Writes_identify_with_all_fields()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var command = new IdentifyCommand
        {
            Token = Token,
            Intents = 513,
            ShardId = 3,
            ShardCount = 16,
            LargeThreshold = 250,
        };

        var written = GatewayPayloads.WriteIdentify(buffer, command);

        Assert.Equal(buffer.WrittenCount, written);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("op").GetInt32());
        var d = root.GetProperty("d");
        Assert.Equal(Token, d.GetProperty("token").GetString());
        Assert.Equal(513UL, d.GetProperty("intents").GetUInt64());
        Assert.Equal([3, 16], d.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(250, d.GetProperty("large_threshold").GetInt32());
        Assert.False(d.GetProperty("compress").GetBoolean());
        var properties = d.GetProperty("properties");
        Assert.False(string.IsNullOrEmpty(properties.GetProperty("os").GetString()));
        Assert.Equal("sharder", properties.GetProperty("browser").GetString());
        Assert.Equal("sharder", properties.GetProperty("device").GetString());
        Assert.False(d.TryGetProperty("presence", out _));
    }

    [Fact]
    public void Writes_identify_presence_as_raw_json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var presence = """{"since":null,"activities":[{"name":"shards","type":0}],"status":"online","afk":false}"""u8.ToArray();
        var command = new IdentifyCommand
        {
            Token = Token,
            Intents = 1,
            ShardId = 0,
            ShardCount = 1,
            LargeThreshold = 50,
            PresenceJson = presence,
        };

        GatewayPayloads.WriteIdentify(buffer, command);

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var written = document.RootElement.GetProperty("d").GetProperty("presence").GetRawText();
        Assert.Equal(Encoding.UTF8.GetString(presence), written);
    }

    [Fact]
    public void Identify_rejects_presence_that_is_not_json()
    {
        var command = new IdentifyCommand
        {
            Token = Token,
            Intents = 1,
            ShardId = 0,
            ShardCount = 1,
            LargeThreshold = 50,
            PresenceJson = "{\"status\":"u8.ToArray(),
        };

        Assert.ThrowsAny<JsonException>(() => GatewayPayloads.WriteIdentify(new ArrayBufferWriter<byte>(), command));
    }

    [Fact]
    public void Identify_command_does_not_print_the_token()
    {
        var command = new IdentifyCommand { Token = Token, Intents = 1, ShardId = 0, ShardCount = 1, LargeThreshold = 50 };

        Assert.DoesNotContain("fake-token", command.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_resume()
    {
        var buffer = new ArrayBufferWriter<byte>();

        GatewayPayloads.WriteResume(buffer, "tok", "46518a1bf6912ed649618c831861ab91", 1337);

        Assert.Equal(
            """{"op":6,"d":{"token":"tok","session_id":"46518a1bf6912ed649618c831861ab91","seq":1337}}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(123L, """{"op":1,"d":123}""")]
    [InlineData(null, """{"op":1,"d":null}""")]
    [InlineData(9007199254740993L, """{"op":1,"d":9007199254740993}""")]
    public void Writes_heartbeat(long? sequence, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();

        var written = GatewayPayloads.WriteHeartbeat(buffer, sequence);

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(expected.Length, written);
    }

    [Fact]
    public void Written_commands_peek_back_with_their_opcode()
    {
        var heartbeat = new ArrayBufferWriter<byte>();
        GatewayPayloads.WriteHeartbeat(heartbeat, 5);
        var resume = new ArrayBufferWriter<byte>();
        GatewayPayloads.WriteResume(resume, "t", "s", 5);

        Assert.True(GatewayPayloadPeek.TryPeek(heartbeat.WrittenSpan, out var heartbeatHeader));
        Assert.True(GatewayPayloadPeek.TryPeek(resume.WrittenSpan, out var resumeHeader));

        Assert.Equal(GatewayOpcode.Heartbeat, heartbeatHeader.Opcode);
        Assert.Equal("5", Encoding.UTF8.GetString(heartbeatHeader.GetData(heartbeat.WrittenSpan)));
        Assert.Equal(GatewayOpcode.Resume, resumeHeader.Opcode);
    }
}
