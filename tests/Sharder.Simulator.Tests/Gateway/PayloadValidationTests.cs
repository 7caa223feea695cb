using System.Text;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-2.2, R-3.6, R-4.4, R-4.7, R-4.8: what the simulator closes a connection for, and with which code.</summary>
public sealed class PayloadValidationTests
{
    [Theory]
    [InlineData("""{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}""")]
    [InlineData("""{"op":8,"d":{"guild_id":"1","query":"","limit":0}}""")]
    [InlineData("""{"op":4,"d":{"guild_id":"1","channel_id":null,"self_mute":false,"self_deaf":false}}""")]
    public async Task Command_before_identify_closes_4003(string payload)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(payload);

        Assert.Equal(4003, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Heartbeat_before_identify_is_answered()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync("""{"op":1,"d":null}""");

        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task Command_after_invalid_session_closes_4003()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);
        simulator.Inject(new Faults.FaultSpec { Kind = Faults.FaultKind.InvalidSession, ShardId = 0 });
        await client.WaitForAsync(f => f.Op == 9);

        await client.SendAsync("""{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}""");

        Assert.Equal(4003, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("""{"op":5,"d":{}}""")]
    [InlineData("""{"op":99,"d":null}""")]
    [InlineData("""{"op":0,"d":{}}""")]
    public async Task Unknown_opcode_closes_4001(string payload)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(payload);

        Assert.Equal(4001, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("""{"op":1,"d":"12"}""")]
    [InlineData("""{"op":1,"d":{"seq":1}}""")]
    [InlineData("""{"op":1,"d":1.5}""")]
    public async Task Heartbeat_with_an_invalid_d_closes_4001(string payload)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(payload);

        Assert.Equal(4001, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("{\"op\":1,")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"d\":null}")]
    public async Task Undecodable_payload_closes_4002(string payload)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendAsync(payload);

        Assert.Equal(4002, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Payload_over_4096_bytes_closes_4002_measured_before_parsing(bool binary)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);
        var padding = new string('x', 4097 - """{"op":3,"d":{"status":""}}""".Length);
        var payload = Encoding.UTF8.GetBytes($$$"""{"op":3,"d":{"status":"{{{padding}}}"}}""");
        Assert.Equal(4097, payload.Length);

        await client.SendBytesAsync(payload, binary);

        Assert.Equal(4002, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Payload_over_the_inbound_read_limit_is_drained_and_closes_4002()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.InboundReadLimitBytes = 64 * 1024);
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);

        await client.SendBytesAsync(new byte[256 * 1024], binary: true);

        Assert.Equal(4002, await client.WaitForCloseAsync());
        await simulator.WaitUntilAsync(s => s.Connections().Count == 0, SimulatorHarness.Patience, "the connection to end");
        Assert.True(simulator.Connections(includeClosed: true).Single().BytesIn >= 256 * 1024);
    }

    [Fact]
    public async Task Payload_of_exactly_4096_bytes_is_accepted()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);
        var padding = new string('x', 4096 - """{"op":3,"d":{"status":""}}""".Length);

        await client.SendAsync($$$"""{"op":3,"d":{"status":"{{{padding}}}"}}""");
        var command = await simulator.WaitForCommandAsync(c => c.Op == 3, SimulatorHarness.Patience);

        Assert.Equal(4096, command.Json.Length);
    }

    [Fact]
    public async Task Binary_json_payload_is_parsed_like_text()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        await client.SendBytesAsync("""{"op":1,"d":null}"""u8.ToArray(), binary: true);

        Assert.Equal(11, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task Payload_121_in_the_window_closes_4008_and_the_peak_is_recorded()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);
        var connectionId = simulator.Connections().Single().Id;

        for (var i = 0; i < 120; i++) await client.SendAsync("""{"op":1,"d":null}""");
        for (var i = 0; i < 120; i++) Assert.Equal(11, (await client.NextAsync()).Op);
        Assert.Equal(120, simulator.Connection(connectionId)!.CommandPeak);
        await client.SendAsync("""{"op":1,"d":null}""");

        Assert.Equal(4008, await client.WaitForCloseAsync());
        Assert.Equal(121, simulator.Connection(connectionId)!.CommandPeak);
        Assert.Equal(121, simulator.Check([]).MaxCommandsPer60s);
    }

    [Fact]
    public async Task Command_peak_is_in_the_report_for_a_connection_that_stayed_under_the_limit()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await HelloClientAsync(simulator);

        for (var i = 0; i < 7; i++) await client.SendAsync("""{"op":1,"d":null}""");
        for (var i = 0; i < 7; i++) Assert.Equal(11, (await client.NextAsync()).Op);

        Assert.Equal(7, simulator.Check([]).MaxCommandsPer60s);
    }

    [Fact]
    public async Task Command_window_slides()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.CommandWindowMs = 400);
        await using var client = await HelloClientAsync(simulator);
        var connectionId = simulator.Connections().Single().Id;
        for (var i = 0; i < 120; i++) await client.SendAsync("""{"op":1,"d":null}""");
        for (var i = 0; i < 120; i++) await client.NextAsync();
        var windowEnds = simulator.Time.GetUtcNow().AddMilliseconds(400);
        await simulator.WaitUntilAsync(s => s.Time.GetUtcNow() > windowEnds, SimulatorHarness.Patience, "the command window to pass");

        for (var i = 0; i < 10; i++) await client.SendAsync("""{"op":1,"d":null}""");
        for (var i = 0; i < 10; i++) Assert.Equal(11, (await client.NextAsync()).Op);

        Assert.Equal(120, simulator.Connection(connectionId)!.CommandPeak);
    }

    [Fact]
    public async Task Gateway_version_8_gets_hello_then_4012()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, query: "v=8&encoding=json");

        Assert.Equal(10, (await client.NextAsync()).Op);
        Assert.Equal(4012, await client.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("v=9&encoding=json")]
    [InlineData("encoding=json&v=10")]
    public async Task Gateway_versions_9_and_10_are_accepted(string query)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, query: query);

        Assert.Equal(10, (await client.NextAsync()).Op);
        await client.IdentifyAsync(simulator.Token);
        Assert.Equal(1, (await client.WaitForDispatchAsync("READY")).Seq);
    }

    [Fact]
    public async Task Etf_encoding_closes_4002()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, query: "v=10&encoding=etf");

        Assert.Equal(4002, await client.WaitForCloseAsync());
        Assert.DoesNotContain(client.AllFrames, f => f.Op == 10);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/gateway")]
    public async Task Upgrade_is_accepted_on_any_path(string path)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, path: path);

        Assert.Equal(10, (await client.NextAsync()).Op);
    }

    [Fact]
    public async Task Unknown_compress_value_is_ignored()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl, query: "v=10&encoding=json&compress=brotli");

        var hello = await client.NextAsync();

        Assert.Equal(10, hello.Op);
        Assert.False(hello.Binary);
    }

    private static async Task<RawGatewayClient> HelloClientAsync(GatewaySimulator simulator)
    {
        var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await client.NextAsync()).Op);
        return client;
    }
}
