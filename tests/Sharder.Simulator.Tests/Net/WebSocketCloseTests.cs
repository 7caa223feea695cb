using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class WebSocketCloseTests
{
    public static TheoryData<int> ServerCloseCodes()
    {
        var codes = new TheoryData<int>();
        for (var code = 4000; code <= 4014; code++)
        {
            codes.Add(code);
        }

        codes.Add(1000);
        codes.Add(1001);
        codes.Add(1011);
        return codes;
    }

    [Theory]
    [MemberData(nameof(ServerCloseCodes))]
    public async Task A_server_close_code_reaches_the_client_exactly(int code)
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);

        var closing = connection.CloseAsync(code, $"closing with {code}", CancellationToken.None);
        var result = await client.ReceiveAsync(new byte[64], CancellationToken.None).Within("the close frame");

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(code, (int?)client.CloseStatus);
        Assert.Equal($"closing with {code}", client.CloseStatusDescription);
        Assert.False(connection.IsOpen);

        await client.CloseOutputAsync(client.CloseStatus!.Value, null, CancellationToken.None);
        await closing.Within("the server to finish the close");

        Assert.True(connection.Completion.IsCompleted);
        Assert.Equal(code, connection.ServerCloseCode);
        Assert.Equal(code, connection.ClientCloseCode);
        Assert.False(connection.EndedWithoutCloseFrame);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(1000)]
    [InlineData(1001)]
    public async Task A_client_close_is_reported_with_its_code_and_echoed(int code)
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);

        var serverReceive = connection.ReceiveAsync(4096, CancellationToken.None).AsTask();
        await client.CloseAsync((WebSocketCloseStatus)code, "going away", CancellationToken.None).Within("the client close handshake");
        var message = await serverReceive.Within("the close on the server");

        Assert.Equal(new WsMessage(WsMessageKind.Close, ReadOnlyMemory<byte>.Empty, 0, code, "going away"), message);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(code, (int?)client.CloseStatus); // our echo
        await connection.Completion.Within("the connection to end");
        Assert.Equal(code, connection.ClientCloseCode);
        Assert.Equal("going away", connection.ClientCloseReason);
        Assert.False(connection.EndedWithoutCloseFrame);
    }

    [Fact]
    public async Task A_client_vanishing_without_a_close_frame_is_reported_as_aborted()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();

        ends.Client.Abort();
        var message = await ends.Connection.ReceiveAsync(4096, CancellationToken.None).Within("the abort on the server");
        var again = await ends.Connection.ReceiveAsync(4096, CancellationToken.None).Within("the second receive");

        Assert.Equal(WsMessageKind.Aborted, message.Kind);
        Assert.Equal(WsMessageKind.Aborted, again.Kind);
        Assert.True(ends.Connection.EndedWithoutCloseFrame);
        Assert.Null(ends.Connection.ClientCloseCode);
        Assert.True(ends.Connection.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_server_close_gives_up_on_a_silent_client_after_the_close_timeout()
    {
        await using var server = TestServer.Start(closeTimeout: TimeSpan.FromMilliseconds(200));
        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/?v=10");
        var (_, connection) = await server.NextConnection();

        var closing = connection.CloseAsync(4009, "session timed out", CancellationToken.None);
        var frame = await client.ReadFrameAsync();
        await closing.Within("the close to give up on the client");

        Assert.Equal(RawFrame.Close, frame.Opcode);
        Assert.False(frame.IsMasked);
        Assert.Equal(4009, BinaryPrimitives.ReadUInt16BigEndian(frame.Payload));
        Assert.Equal("session timed out", Encoding.UTF8.GetString(frame.Payload.AsSpan(2)));
        Assert.True(connection.EndedWithoutCloseFrame);
        Assert.Null(connection.ClientCloseCode);
    }

    [Fact]
    public async Task A_close_while_the_owner_is_receiving_ends_that_receive_with_the_echo()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);

        var ownerReceive = connection.ReceiveAsync(4096, CancellationToken.None).AsTask();
        var closing = connection.CloseAsync(4000, "reconnect", CancellationToken.None);
        await client.ReceiveAsync(new byte[64], CancellationToken.None).Within("the close frame");
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        var message = await ownerReceive.Within("the owner's receive");
        await closing.Within("the close");
        Assert.Equal(WsMessageKind.Close, message.Kind);
        Assert.Equal(1000, message.CloseCode);
        Assert.Equal(4000, connection.ServerCloseCode);
    }

    [Fact]
    public async Task Invalid_close_codes_and_reasons_are_rejected()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();

        foreach (var code in new[] { 0, 999, 1005, 1006, 1015, 5000 })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ends.Connection.CloseAsync(code, "x", CancellationToken.None));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => ends.Connection.CloseAsync(4000, new string('x', 124), CancellationToken.None));
        Assert.True(ends.Connection.IsOpen);
    }

    [Fact]
    public async Task Sends_after_the_close_are_dropped_without_an_error()
    {
        await using var server = TestServer.Start(closeTimeout: TimeSpan.FromMilliseconds(200));
        using var ends = await server.ConnectAsync();
        await ends.Connection.SendAsync(new byte[10], binary: true, shape: null, CancellationToken.None);

        await ends.Connection.CloseAsync(4000, string.Empty, CancellationToken.None).Within("the close");
        await ends.Connection.SendAsync(new byte[10], binary: true, shape: null, CancellationToken.None);

        Assert.Equal(10, ends.Connection.BytesOut);
    }
}
