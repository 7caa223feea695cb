using System.Text;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>F22–F24 and R-7: large payloads, split and fragmented zlib, and corruption, decoded by independent decoders.</summary>
public sealed class CompressionFaultTests
{
    private const int FourMegabytes = 4 * 1024 * 1024;
    private const int Intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.GuildPresences);

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData("zlib-stream", false)]
    [InlineData("zstd-stream", false)]
    public async Task F22_four_megabyte_guild_create_decodes_in_every_compression_mode(string? compress, bool payloadCompression)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.World = new WorldOptions { GuildCount = 0 });
        var huge = simulator.World.AddGuild(guildCreateBytes: FourMegabytes);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, compress);
        await client.NextAsync();

        await client.IdentifyAsync(simulator.Token, intents: Intents, compress: payloadCompression);
        var create = await client.WaitForDispatchAsync("GUILD_CREATE", TimeSpan.FromSeconds(20));

        Assert.Equal(huge.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Data.GetProperty("id").GetString());
        Assert.InRange(Encoding.UTF8.GetByteCount(create.Json), FourMegabytes * 0.85, FourMegabytes * 1.15);
        Assert.Equal(huge.OnlineMemberCount, create.Data.GetProperty("members").GetArrayLength());
        Assert.True(create.Data.GetProperty("large").GetBoolean());
        Assert.Equal(compress is not null || payloadCompression, create.Binary);
        Assert.Equal(2, create.Seq);
    }

    [Fact]
    public async Task F23_zlib_messages_split_into_5_ws_messages_and_fragmented_with_pings_decode_byte_identically()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, compress: "zlib-stream");
        var connection = SimulatorHarness.ConnectionOf(simulator, client).Id;
        simulator.Inject(new FaultSpec { Kind = FaultKind.SplitZlib, ConnectionId = connection, Pieces = 5 });
        simulator.Inject(new FaultSpec { Kind = FaultKind.Fragment, ConnectionId = connection, FragmentSize = 7, PingBetweenFragments = true });
        var firstSeq = client.LastSeq!.Value + 1;

        var events = Enumerable.Range(0, 6).Select(i => simulator.EmitMessage(simulator.World.Guilds[i].Id, approxBytes: 300 + (i * 700))).ToList();
        var frames = new List<RawFrame>();
        foreach (var _ in events) frames.Add(await client.WaitForDispatchAsync("MESSAGE_CREATE"));

        for (var i = 0; i < events.Count; i++)
        {
            var expected = "{\"t\":\"MESSAGE_CREATE\",\"s\":" + (firstSeq + i) + ",\"op\":0,\"d\":" + Encoding.UTF8.GetString(events[i].DataFor(513).Span) + "}";
            Assert.Equal(expected, frames[i].Json);
            Assert.Equal(5, frames[i].WsMessages);
            Assert.True(frames[i].Wire.AsSpan().EndsWith((byte[])[0x00, 0x00, 0xFF, 0xFF]));
        }

        var sent = simulator.Transcript(connection).Where(t => !t.Inbound && t.Type == "MESSAGE_CREATE").ToList();
        Assert.Equal(6, sent.Count);
        Assert.All(sent, t => Assert.Equal(5, t.WsMessages));
        await client.HeartbeatAsync();
        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task F23_split_mode_still_delivers_messages_too_small_for_that_many_pieces()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, compress: "zlib-stream");
        simulator.Inject(new FaultSpec { Kind = FaultKind.SplitZlib, ShardId = 0, Pieces = 40 });

        await client.HeartbeatAsync();
        var ack = await client.NextAsync();
        var ev = simulator.EmitMessage(simulator.World.Guilds[0].Id, approxBytes: 2000);
        var message = await client.NextAsync();

        Assert.Equal("""{"t":null,"s":null,"op":11,"d":null}""", ack.Json);
        Assert.InRange(ack.WsMessages, 1, ack.Wire!.Length - 3);
        Assert.Equal(ev.Uid, client.Published[^1].EventUid);
        Assert.Equal(40, message.WsMessages);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("zlib-stream")]
    [InlineData("zstd-stream")]
    public async Task F23_fragmented_messages_with_pings_decode_in_every_mode(string? compress)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator, compress: compress);
        simulator.Inject(new FaultSpec { Kind = FaultKind.Fragment, ShardId = 0, FragmentSize = 1, PingBetweenFragments = true });

        var ev = simulator.EmitMessage(simulator.World.Guilds[0].Id, approxBytes: 900);
        var frame = await client.WaitForDispatchAsync("MESSAGE_CREATE");

        Assert.Equal(Encoding.UTF8.GetString(ev.DataFor(513).Span), frame.Data.GetRawText());
        Assert.Equal(1, frame.WsMessages);
    }

    [Theory]
    [InlineData("zlib-stream", false)]
    [InlineData("zstd-stream", false)]
    [InlineData(null, true)]
    public async Task F24_corrupted_message_breaks_the_decoder_and_a_resume_with_a_fresh_context_replays_it(string? compress, bool payloadCompression)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, compress);
        await first.NextAsync();
        // MESSAGE_CONTENT keeps the message large, so payload compression sends it compressed.
        await first.IdentifyAsync(simulator.Token, intents: 513 | (int)GatewayIntents.MessageContent, compress: payloadCompression);
        await first.WaitForAsync(f => f.Seq == 1 + simulator.World.Guilds.Count);
        simulator.Inject(new FaultSpec { Kind = FaultKind.Corrupt, ShardId = 0 });

        var corrupted = simulator.EmitMessage(simulator.World.Guilds[0].Id, approxBytes: 3000);

        await Assert.ThrowsAsync<InvalidOperationException>(() => first.NextAsync());
        Assert.NotNull(first.ReceiveError);
        Assert.IsNotType<System.Net.WebSockets.WebSocketException>(first.ReceiveError);
        await first.CloseAsync(4000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, compress: compress);
        Assert.Equal(corrupted.Uid, second.Published.Single(p => p.Type == "MESSAGE_CREATE").EventUid);
        SimulatorHarness.AssertLedgerOk(simulator, first, second);
    }
}
