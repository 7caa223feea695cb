using System.Net;
using System.Net.WebSockets;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>F25: connect failures as a client sees them; each fault hits only the next connection(s).</summary>
public sealed class HandshakeFaultTests
{
    [Fact]
    public async Task Refused_connection_fails_the_upgrade_and_the_next_one_works()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.Inject(new FaultSpec { Kind = FaultKind.RefuseTcp });

        await Assert.ThrowsAsync<WebSocketException>(() => RawGatewayClient.ConnectAsync(simulator.GatewayUrl));

        await using var next = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await next.NextAsync()).Op);
    }

    [Fact]
    public async Task Service_unavailable_answers_the_upgrade_with_503()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.Inject(new FaultSpec { Kind = FaultKind.ServiceUnavailable, Count = 2 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await UpgradeStatusAsync(simulator.GatewayUrl));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await UpgradeStatusAsync(simulator.GatewayUrl));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeStatusAsync(simulator.GatewayUrl));
    }

    [Fact]
    public async Task Handshake_fault_for_one_listener_leaves_the_others_alone()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.Inject(new FaultSpec { Kind = FaultKind.ServiceUnavailable, Listener = "resume-0" });

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeStatusAsync(simulator.GatewayUrl));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await UpgradeStatusAsync(simulator.ResumeUrls[0]));
    }

    [Fact]
    public async Task Hung_handshake_never_completes_the_upgrade()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.Inject(new FaultSpec { Kind = FaultKind.HangHandshake });
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(SimulatorHarness.Quiet);

        var connect = socket.ConnectAsync(new Uri(simulator.GatewayUrl + "/?v=10&encoding=json"), timeout.Token);

        await Assert.ThrowsAnyAsync<Exception>(() => connect);
        Assert.True(timeout.IsCancellationRequested);
        Assert.NotEqual(WebSocketState.Open, socket.State);
        Assert.Empty(simulator.Connections());
    }

    [Fact]
    public async Task No_hello_completes_the_upgrade_and_then_sends_nothing()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.HeartbeatIntervalMs = 100);
        simulator.Inject(new FaultSpec { Kind = FaultKind.NoHello });
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);

        await Assert.ThrowsAsync<TimeoutException>(() => client.NextAsync(SimulatorHarness.Quiet));

        Assert.Empty(client.AllFrames);
        Assert.Single(simulator.Connections());
        await using var next = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await next.NextAsync()).Op);
    }

    private static async Task<HttpStatusCode> UpgradeStatusAsync(string url)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri(url + "/?v=10&encoding=json"), CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The status code is what the test looks at.
        }

        return socket.HttpStatusCode;
    }
}
