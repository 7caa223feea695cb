using System.Net;
using System.Net.WebSockets;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class HandshakeFaultTests
{
    [Fact]
    public async Task ServiceUnavailable_answers_the_upgrade_with_503()
    {
        await using var server = TestServer.Start(handshakeFault: _ => HandshakeFault.ServiceUnavailable);
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(server.WsUri("/?v=10"), CancellationToken.None).Within("the refusal"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, client.HttpStatusCode);
        Assert.True(await server.NextConnectionIfAny().StaysPending(), "the WebSocket handler ran");
    }

    [Fact]
    public async Task RefuseTcp_resets_the_connection_and_the_fault_is_chosen_per_request()
    {
        await using var server = TestServer.Start(
            handshakeFault: request => request.Query.ContainsKey("refuse") ? HandshakeFault.RefuseTcp : HandshakeFault.None);
        using var refused = new ClientWebSocket();
        using var accepted = new ClientWebSocket();

        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(server.WsUri("/?refuse=1"), CancellationToken.None).Within("the reset"));
        await accepted.ConnectAsync(server.WsUri("/?v=10"), CancellationToken.None).Within("the normal connect");
        var (request, _) = await server.NextConnection();

        Assert.False(request.Query.ContainsKey("refuse"));
        Assert.Equal(WebSocketState.Open, accepted.State);
    }

    [Fact]
    public async Task HangBeforeUpgrade_never_answers_until_the_server_stops()
    {
        var server = TestServer.Start(handshakeFault: _ => HandshakeFault.HangBeforeUpgrade);
        using var client = new ClientWebSocket();

        var connecting = client.ConnectAsync(server.WsUri("/?v=10"), CancellationToken.None);

        Assert.True(await connecting.StaysPending(), "the upgrade was answered");
        await server.DisposeAsync().AsTask().Within("server shutdown");
        await Assert.ThrowsAsync<WebSocketException>(() => connecting.Within("the connect to fail"));
    }

    [Fact]
    public async Task HangAfterUpgrade_completes_the_handshake_and_then_sends_nothing()
    {
        var server = TestServer.Start(handshakeFault: _ => HandshakeFault.HangAfterUpgrade);
        using var client = new ClientWebSocket();

        await client.ConnectAsync(server.WsUri("/?v=10"), CancellationToken.None).Within("the upgrade");
        var receiving = client.ReceiveMessageAsync();

        Assert.Equal(WebSocketState.Open, client.State);
        Assert.True(await receiving.StaysPending(), "something arrived after the upgrade");
        Assert.True(await server.NextConnectionIfAny().StaysPending(), "the WebSocket handler ran");
        Assert.Equal(1, server.Server.OpenConnectionCount);
        await server.DisposeAsync().AsTask().Within("server shutdown");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => receiving);
    }

    [Fact]
    public async Task A_hung_handshake_ends_when_the_client_leaves()
    {
        await using var server = TestServer.Start(handshakeFault: _ => HandshakeFault.HangBeforeUpgrade);
        using (var client = new ClientWebSocket())
        {
            using var giveUp = new CancellationTokenSource();
            var connecting = client.ConnectAsync(server.WsUri("/"), giveUp.Token);
            Assert.True(await connecting.StaysPending());
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting.Within("the cancelled connect"));
        }

        await TestTimeouts.WaitUntilAsync(() => server.Server.OpenConnectionCount == 0, "the server to drop the hung handshake");
    }
}
