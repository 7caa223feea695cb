using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway.Transport;

public sealed class WebSocketGatewayTransportTests
{
    private static readonly TimeSpan s_handshakeTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Connects_with_the_user_agent_and_exchanges_messages()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();

        await Waits.ForAsync(transport.ConnectAsync(server.Url("/?v=10&encoding=json&compress=zlib-stream"), default).AsTask(), "the handshake");
        using var socket = await Waits.ForAsync(accepting, "the server side");

        Assert.StartsWith("GET /?v=10&encoding=json&compress=zlib-stream HTTP/1.1\r\n", server.RequestHead, StringComparison.Ordinal);
        Assert.Contains("User-Agent: DiscordBot (https://github.com/sharder, 1.0) Sharder\r\n", server.RequestHead, StringComparison.OrdinalIgnoreCase);

        await socket.SendAsync("""{"op":10}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
        using var received = new PooledBufferWriter();
        var result = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "a message");
        Assert.Equal(TransportMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        Assert.Equal("""{"op":10}""", Encoding.UTF8.GetString(received.WrittenSpan));

        await transport.SendAsync("""{"op":1,"d":null}"""u8.ToArray(), default);
        var buffer = new byte[64];
        var fromClient = await socket.ReceiveAsync(buffer, default);
        Assert.Equal(WebSocketMessageType.Text, fromClient.MessageType);
        Assert.Equal("""{"op":1,"d":null}""", Encoding.UTF8.GetString(buffer, 0, fromClient.Count));
    }

    [Fact]
    public async Task A_client_close_carries_its_code_and_the_echo_comes_back_as_a_close_result()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();
        await transport.ConnectAsync(server.Url(), default);
        using var socket = await Waits.ForAsync(accepting, "the server side");

        await transport.CloseAsync(4000, "reconnecting", default);
        var closeFrame = await socket.ReceiveAsync(new byte[16], default);
        Assert.Equal(WebSocketMessageType.Close, closeFrame.MessageType);
        Assert.Equal(4000, (int)socket.CloseStatus!.Value);
        await socket.CloseOutputAsync(socket.CloseStatus.Value, null, default);

        using var received = new PooledBufferWriter();
        var result = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "the close echo");
        Assert.Equal(TransportMessageType.Close, result.MessageType);
        Assert.Equal(4000, result.CloseCode);
    }

    [Fact]
    public async Task A_server_close_is_reported_with_its_code_and_reason_and_answered()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();
        await transport.ConnectAsync(server.Url(), default);
        using var socket = await Waits.ForAsync(accepting, "the server side");

        await socket.CloseOutputAsync((WebSocketCloseStatus)4004, "Authentication failed.", default);
        using var received = new PooledBufferWriter();
        var result = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "the close");

        Assert.Equal(TransportMessageType.Close, result.MessageType);
        Assert.Equal(4004, result.CloseCode);
        Assert.Equal("Authentication failed.", result.CloseReason);
        var echo = await socket.ReceiveAsync(new byte[16], default);
        Assert.Equal(WebSocketMessageType.Close, echo.MessageType);
        Assert.Equal(4004, (int)socket.CloseStatus!.Value);
    }

    [Fact]
    public async Task A_fragmented_message_arrives_in_parts_with_end_of_message_on_the_last()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();
        await transport.ConnectAsync(server.Url(), default);
        using var socket = await Waits.ForAsync(accepting, "the server side");

        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: false, default);
        await socket.SendAsync(new byte[] { 4, 5 }, WebSocketMessageType.Binary, endOfMessage: true, default);
        using var received = new PooledBufferWriter();
        TransportReceiveResult result;
        do
        {
            result = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "a fragment");
            Assert.Equal(TransportMessageType.Binary, result.MessageType);
        }
        while (!result.EndOfMessage);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, received.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task Waiting_for_the_next_message_holds_no_buffer_until_its_bytes_arrive()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();
        await transport.ConnectAsync(server.Url(), default);
        using var socket = await Waits.ForAsync(accepting, "the server side");

        using var received = new CountingBufferWriter();
        var receiving = transport.ReceiveAsync(received, default).AsTask();

        // Nothing has arrived: the receive waits without having asked the destination for memory.
        Assert.False(receiving.IsCompleted);
        Assert.Equal(0, received.MemoryRequests);

        await socket.SendAsync("""{"op":11}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
        var result = await Waits.ForAsync(receiving, "the message");
        Assert.True(result.EndOfMessage);
        Assert.Equal("""{"op":11}""", Encoding.UTF8.GetString(received.Inner.WrittenSpan));
        Assert.Equal(1, received.MemoryRequests);
    }

    [Fact]
    public async Task An_empty_message_is_a_complete_message_of_no_bytes()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);
        var accepting = server.AcceptAsync();
        await transport.ConnectAsync(server.Url(), default);
        using var socket = await Waits.ForAsync(accepting, "the server side");

        await socket.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Text, true, default);
        await socket.SendAsync("""{"op":11}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
        using var received = new PooledBufferWriter();
        var empty = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "the empty message");
        Assert.True(empty.EndOfMessage);
        Assert.Equal(0, empty.Count);
        Assert.Equal(0, received.WrittenCount);

        var next = await Waits.ForAsync(transport.ReceiveAsync(received, default).AsTask(), "the next message");
        Assert.True(next.EndOfMessage);
        Assert.Equal("""{"op":11}""", Encoding.UTF8.GetString(received.WrittenSpan));
    }

    [Fact]
    public async Task A_handshake_that_never_completes_times_out()
    {
        await using var server = new LoopbackWebSocketServer();
        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var accepting = server.AcceptSilentlyAsync();

        var error = await Assert.ThrowsAsync<GatewayTransportException>(
            () => Waits.ForAsync(transport.ConnectAsync(server.Url(), default).AsTask(), "the handshake to time out"));

        await accepting;
        Assert.Contains("HandshakeTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_a_transport_error()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var transport = new WebSocketGatewayTransport(GatewayOptions.DEFAULT_USER_AGENT, s_handshakeTimeout, TimeProvider.System);

        await Assert.ThrowsAsync<GatewayTransportException>(
            () => Waits.ForAsync(transport.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), default).AsTask(), "the refusal"));
    }

    /// <summary>A <see cref="PooledBufferWriter"/> that counts how often memory was asked for.</summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        public PooledBufferWriter Inner { get; } = new();

        public int MemoryRequests { get; private set; }

        public void Advance(int count) => Inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            MemoryRequests++;
            return Inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            MemoryRequests++;
            return Inner.GetSpan(sizeHint);
        }

        public void Dispose() => Inner.Dispose();
    }
}
