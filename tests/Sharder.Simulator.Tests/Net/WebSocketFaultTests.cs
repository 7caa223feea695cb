using System.Net.Sockets;
using System.Net.WebSockets;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class WebSocketFaultTests
{
    [Fact]
    public async Task Fin_reaches_the_client_as_a_close_without_a_close_frame()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();

        ends.Connection.AbortWithFin();
        var error = await Assert.ThrowsAsync<WebSocketException>(() => ends.Client.ReceiveMessageAsync());

        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, error.WebSocketErrorCode);
        Assert.Null(ends.Client.CloseStatus);
        Assert.False(ends.Connection.IsOpen);
        ends.Client.Dispose();
        await ends.Connection.Completion.Within("the server to see the client leave");
        Assert.True(ends.Connection.EndedWithoutCloseFrame);
    }

    [Fact]
    public async Task Fin_and_rst_look_different_on_the_wire()
    {
        await using var server = TestServer.Start();
        await using var finClient = await RawWebSocketClient.ConnectAsync(server.Port, "/");
        var (_, finConnection) = await server.NextConnection();
        await using var rstClient = await RawWebSocketClient.ConnectAsync(server.Port, "/");
        var (_, rstConnection) = await server.NextConnection();

        finConnection.AbortWithFin();
        rstConnection.AbortWithRst();

        Assert.Empty(await finClient.ReadToEndAsync()); // end of stream, no close frame before it
        var reset = await Assert.ThrowsAsync<IOException>(() => rstClient.ReadToEndAsync());
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(reset.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task A_handler_returning_right_after_a_fin_keeps_it_a_clean_fin()
    {
        var clientSent = new TaskCompletionSource();
        await using var server = TestServer.Start(handleWebSocket: async (_, connection, _) =>
        {
            await clientSent.Task;
            connection.AbortWithFin(); // returns at once, with unread input waiting on the socket
        });
        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/");

        await client.SendFrameAsync(RawFrame.Text, isFinal: true, """{"op":1,"d":null}"""u8.ToArray());
        clientSent.SetResult();

        Assert.Empty(await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Rst_reaches_the_client_as_a_connection_reset()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();

        ends.Connection.AbortWithRst();
        var error = await Assert.ThrowsAsync<WebSocketException>(() => ends.Client.ReceiveMessageAsync());

        Assert.Contains(Causes(error), e => e is SocketException { SocketErrorCode: SocketError.ConnectionReset });
        Assert.Null(ends.Client.CloseStatus);
        await ends.Connection.Completion.Within("the connection to end");
        Assert.True(ends.Connection.EndedWithoutCloseFrame);
    }

    [Fact]
    public async Task A_blackholed_connection_reads_and_writes_nothing_but_stays_open()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);
        var serverReceive = connection.ReceiveAsync(4096, CancellationToken.None).AsTask();

        connection.Blackhole();
        await client.SendTextAsync("""{"op":1,"d":5}"""u8.ToArray());
        await connection.SendAsync("""{"op":11}"""u8.ToArray(), binary: false, shape: null, CancellationToken.None);
        var clientReceive = client.ReceiveMessageAsync();

        Assert.True(connection.IsBlackholed);
        Assert.True(await clientReceive.StaysPending(), "the client received something from a blackholed connection");
        Assert.True(await serverReceive.StaysPending(), "the server read from a blackholed connection");
        Assert.False(connection.Completion.IsCompleted);
        Assert.Equal(0, connection.BytesOut);
        Assert.Equal(WebSocketState.Open, client.State);

        await connection.DisposeAsync();
        Assert.Equal(WsMessageKind.Aborted, (await serverReceive.Within("the receive to end")).Kind);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => clientReceive);
    }

    [Fact]
    public async Task Closing_a_blackholed_connection_still_sends_the_close_frame()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        ends.Connection.Blackhole();

        var closing = ends.Connection.CloseAsync(4000, "zombie", CancellationToken.None);
        var result = await ends.Client.ReceiveAsync(new byte[64], CancellationToken.None).Within("the close frame");
        await ends.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await closing.Within("the close");

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4000, (int?)ends.Client.CloseStatus);
        Assert.False(ends.Connection.IsBlackholed);
    }

    [Fact]
    public async Task A_failing_handler_loses_only_its_own_connection()
    {
        var calls = 0;
        await using var server = TestServer.Start(handleWebSocket: async (_, connection, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("handler bug");
            }

            await connection.SendAsync("""{"op":10}"""u8.ToArray(), binary: false, shape: null, CancellationToken.None);
            await connection.ReceiveAsync(4096, CancellationToken.None);
        });

        using var first = new ClientWebSocket();
        await first.ConnectAsync(server.WsUri("/"), CancellationToken.None).Within("the first connect");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => first.ReceiveMessageAsync());
        var error = await server.Errors.ReadAsync().AsTask().Within("the handler error report");

        using var second = new ClientWebSocket();
        await second.ConnectAsync(server.WsUri("/"), CancellationToken.None).Within("the second connect");
        var (type, _, _) = await second.ReceiveMessageAsync();

        Assert.Equal("handler bug", error.Message);
        Assert.Equal(WebSocketMessageType.Text, type);
    }

    private static IEnumerable<Exception> Causes(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
