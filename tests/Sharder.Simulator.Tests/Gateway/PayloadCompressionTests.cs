using System.IO.Compression;
using System.Text;
using Sharder.Simulator.Tests.RawClient;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-7.3, GP §9.3: Identify <c>compress:true</c> without transport compression.</summary>
public sealed class PayloadCompressionTests
{
    private const int Threshold = 1024;
    private const int Intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.MessageContent);

    [Fact]
    public async Task Frames_over_the_threshold_are_binary_independent_zlib_streams_and_the_rest_is_text()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        var hello = await client.NextAsync();
        await client.IdentifyAsync(simulator.Token, intents: Intents, compress: true);
        await client.WaitForAsync(f => f.Seq == 1 + simulator.World.Guilds.Count);

        simulator.EmitMessage(simulator.World.Guilds[0].Id, approxBytes: 200);
        simulator.EmitMessage(simulator.World.Guilds[1].Id, approxBytes: 4000);
        await client.WaitForAsync(f => f.Seq == 3 + simulator.World.Guilds.Count);
        await client.HeartbeatAsync();
        var ack = await client.NextAsync();

        Assert.False(hello.Binary);
        Assert.Equal(ack.Json, Encoding.UTF8.GetString(ack.Wire!));
        Assert.False(ack.Binary);
        var dispatches = client.AllFrames.Where(f => f.Op == 0).ToList();
        Assert.Contains(dispatches, f => f.Binary);
        Assert.Contains(dispatches, f => !f.Binary);
        foreach (var frame in dispatches)
        {
            var jsonBytes = Encoding.UTF8.GetByteCount(frame.Json);
            Assert.Equal(jsonBytes > Threshold, frame.Binary);
            if (frame.Binary)
            {
                Assert.Equal(0x78, frame.Wire![0]);
                Assert.Equal(frame.Json, InflateAlone(frame.Wire));
            }
            else
            {
                Assert.Equal(frame.Json, Encoding.UTF8.GetString(frame.Wire!));
            }
        }

        Assert.True(SimulatorHarness.ConnectionOf(simulator, client).PayloadCompression);
    }

    [Fact]
    public async Task Payload_compression_threshold_is_a_knob()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.PayloadCompressThresholdBytes = 100);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();
        await client.IdentifyAsync(simulator.Token, intents: Intents, compress: true);
        await client.WaitForAsync(f => f.Seq == 1 + simulator.World.Guilds.Count);

        simulator.EmitMessage(simulator.World.Guilds[0].Id, approxBytes: 200);
        var message = await client.WaitForDispatchAsync("MESSAGE_CREATE");

        Assert.True(message.Binary);
        Assert.Equal(message.Json, InflateAlone(message.Wire!));
    }

    [Fact]
    public async Task Payload_compression_is_ignored_with_transport_compression()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, "zlib-stream");
        await client.NextAsync();

        await client.IdentifyAsync(simulator.Token, intents: Intents, compress: true);
        await client.WaitForAsync(f => f.Seq == 1 + simulator.World.Guilds.Count);

        Assert.All(client.AllFrames, f => Assert.True(f.Binary));
        Assert.False(SimulatorHarness.ConnectionOf(simulator, client).PayloadCompression);
    }

    [Fact]
    public async Task Without_compress_in_identify_everything_is_text()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        await client.NextAsync();

        await client.IdentifyAsync(simulator.Token, intents: Intents, compress: false);
        await client.WaitForAsync(f => f.Seq == 1 + simulator.World.Guilds.Count);

        Assert.All(client.AllFrames, f => Assert.False(f.Binary));
        Assert.Contains(client.AllFrames, f => Encoding.UTF8.GetByteCount(f.Json) > Threshold);
    }

    private static string InflateAlone(byte[] wire)
    {
        using var inflater = new ZLibStream(new MemoryStream(wire), CompressionMode.Decompress);
        using var reader = new StreamReader(inflater, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
