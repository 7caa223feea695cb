using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class WebSocketUpgradeTests
{
    [Theory]
    [InlineData("/?v=10&encoding=json", "/")]
    [InlineData("//?v=10&encoding=json", "//")]
    [InlineData("?v=10&encoding=json", "/")] // discord.js style: no slash; the client sends "/"
    public async Task ClientWebSocket_connects_on_any_path(string pathAndQuery, string expectedPath)
    {
        await using var server = TestServer.Start();

        using var ends = await server.ConnectAsync(pathAndQuery);

        Assert.Equal(WebSocketState.Open, ends.Client.State);
        Assert.Equal(expectedPath, ends.Request.Path);
        Assert.Equal("10", ends.Request.Query["v"]);
        Assert.Equal("json", ends.Request.Query["encoding"]);
        Assert.True(ends.Connection.IsOpen);
    }

    [Fact]
    public async Task A_request_target_that_is_only_a_query_is_accepted_with_an_empty_path()
    {
        await using var server = TestServer.Start();

        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "?v=10&encoding=json&compress=zstd-stream");
        var (request, _) = await server.NextConnection();

        Assert.Equal(string.Empty, request.Path);
        Assert.Equal("zstd-stream", request.Query["compress"]);
    }

    [Fact]
    public async Task The_upgrade_request_carries_listener_headers_and_decoded_query()
    {
        var clock = new StoppedClock(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await using var server = TestServer.Start(time: clock);

        using var first = await server.ConnectAsync("/gateway?v=10&x=a%20b+c&x=second&flag");
        using var second = await server.ConnectAsync();

        var request = first.Request;
        Assert.Equal("GET", request.Method);
        Assert.Equal("/gateway", request.Path);
        Assert.Equal("a b c", request.Query["x"]);
        Assert.Equal(string.Empty, request.Query["flag"]);
        Assert.Equal("13", request.Headers["sec-websocket-version"]);
        Assert.Equal("test-listener", request.ListenerName);
        Assert.Equal(IPAddress.Loopback, request.RemoteEndPoint.Address);
        Assert.Equal("test-listener", first.Connection.ListenerName);
        Assert.Equal(clock.Now, first.Connection.ConnectedAt);
        Assert.True(second.Connection.Id > first.Connection.Id);
    }

    [Fact]
    public async Task Text_and_binary_messages_cross_in_both_directions()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);

        await client.SendTextAsync("""{"op":1,"d":null}"""u8.ToArray());
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var text = await connection.ReceiveAsync(4096, CancellationToken.None).Within("text from the client");
        var binary = await connection.ReceiveAsync(4096, CancellationToken.None).Within("binary from the client");

        Assert.Equal(WsMessageKind.Text, text.Kind);
        Assert.Equal("""{"op":1,"d":null}""", Encoding.UTF8.GetString(text.Data.Span));
        Assert.Equal(WsMessageKind.Binary, binary.Kind);
        Assert.Equal([1, 2, 3], binary.Data.ToArray());
        Assert.Equal(3, binary.Size);

        await connection.SendAsync("""{"op":11}"""u8.ToArray(), binary: false, shape: null, CancellationToken.None);
        await connection.SendAsync(new byte[] { 9, 8 }, binary: true, shape: null, CancellationToken.None);
        var (textType, textData, _) = await client.ReceiveMessageAsync();
        var (binaryType, binaryData, _) = await client.ReceiveMessageAsync();

        Assert.Equal(WebSocketMessageType.Text, textType);
        Assert.Equal("""{"op":11}""", Encoding.UTF8.GetString(textData));
        Assert.Equal(WebSocketMessageType.Binary, binaryType);
        Assert.Equal([9, 8], binaryData);
    }

    [Fact]
    public async Task Frames_sent_right_behind_the_upgrade_request_are_not_lost()
    {
        await using var server = TestServer.Start();
        var early = RawWebSocketClient.EncodeClientFrame(RawFrame.Text, isFinal: true, "early bird"u8.ToArray());

        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/?v=10", sentWithRequest: early);
        var (_, connection) = await server.NextConnection();
        var message = await connection.ReceiveAsync(4096, CancellationToken.None).Within("the early frame");

        Assert.Equal(WsMessageKind.Text, message.Kind);
        Assert.Equal("early bird", Encoding.UTF8.GetString(message.Data.Span));
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 13\r\n", "400")] // no key
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n", "426")]
    public async Task Malformed_upgrades_are_refused(string extraHeaders, string expectedStatus)
    {
        await using var server = TestServer.Start();
        using var tcp = await RawWebSocketClient.ConnectTcpAsync(server.Port);

        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n{extraHeaders}\r\n"));
        var head = await RawWebSocketClient.ReadHeadAsync(tcp.GetStream()).Within("the refusal");

        Assert.StartsWith($"HTTP/1.1 {expectedStatus} ", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Version: 13", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_binds_an_ephemeral_port_once()
    {
        await using var server = TestServer.Start();

        Assert.NotEqual(0, server.Port);
        Assert.Equal("test-listener", server.Server.Name);
        Assert.Throws<InvalidOperationException>(server.Server.Start);
    }

    [Fact]
    public async Task Dispose_aborts_open_connections_and_stops_listening()
    {
        var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        Assert.Equal(1, server.Server.OpenConnectionCount);

        await server.DisposeAsync().AsTask().Within("server shutdown");

        await ends.Connection.Completion.Within("the connection to end");
        Assert.Equal(0, server.Server.OpenConnectionCount);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ends.Client.ReceiveMessageAsync());
        using var late = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(IPAddress.Loopback, server.Port));
    }
}
