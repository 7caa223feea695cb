using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Sharder.Simulator.Net;

namespace Sharder.Simulator.Tests.Net;

/// <summary>
/// An <see cref="HttpServer"/> whose WebSocket handler hands each accepted connection to the test
/// and keeps it alive until it ends, so the test drives the server side directly.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly Channel<(HttpRequest Request, WsConnection Connection)> _accepted =
        Channel.CreateUnbounded<(HttpRequest, WsConnection)>();

    private readonly Channel<Exception> _errors = Channel.CreateUnbounded<Exception>();

    private TestServer(
        Func<HttpRequest, CancellationToken, ValueTask<HttpResponse>>? handleHttp,
        Func<HttpRequest, HandshakeFault>? handshakeFault,
        Func<HttpRequest, WsConnection, CancellationToken, Task>? handleWebSocket,
        TimeSpan? closeTimeout,
        TimeProvider? time)
    {
        Server = new HttpServer(
            new HttpServerOptions
            {
                Name = "test-listener",
                HandleHttp = handleHttp ?? ((_, _) => ValueTask.FromResult(HttpResponse.Text(404, "not found"))),
                HandleWebSocket = handleWebSocket ?? KeepUntilEndAsync,
                HandshakeFault = handshakeFault,
                CloseTimeout = closeTimeout ?? HttpServerOptions.DefaultCloseTimeout,
                OnConnectionError = (_, ex) => _errors.Writer.TryWrite(ex),
            },
            time ?? TimeProvider.System);
        Server.Start();
    }

    public HttpServer Server { get; }

    public int Port => Server.Port;

    public ChannelReader<Exception> Errors => _errors.Reader;

    public static TestServer Start(
        Func<HttpRequest, CancellationToken, ValueTask<HttpResponse>>? handleHttp = null,
        Func<HttpRequest, HandshakeFault>? handshakeFault = null,
        Func<HttpRequest, WsConnection, CancellationToken, Task>? handleWebSocket = null,
        TimeSpan? closeTimeout = null,
        TimeProvider? time = null) =>
        new(handleHttp, handshakeFault, handleWebSocket, closeTimeout, time);

    public Uri WsUri(string pathAndQuery) => new($"ws://127.0.0.1:{Port}{pathAndQuery}");

    public Uri HttpUri(string pathAndQuery) => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>The next connection the server accepted.</summary>
    public Task<(HttpRequest Request, WsConnection Connection)> NextConnection() =>
        _accepted.Reader.ReadAsync().AsTask().Within("the server to accept a WebSocket");

    /// <summary>The next accepted connection, without a timeout (for asserting that none arrives).</summary>
    public Task NextConnectionIfAny() => _accepted.Reader.ReadAsync().AsTask();

    /// <summary>Connects a <see cref="ClientWebSocket"/> and returns it with the server side of the connection.</summary>
    public async Task<ConnectedClient> ConnectAsync(string pathAndQuery = "/?v=10&encoding=json")
    {
        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        await client.ConnectAsync(WsUri(pathAndQuery), CancellationToken.None).Within("the client to connect");
        var (request, connection) = await NextConnection();
        return new ConnectedClient(client, connection, request);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task KeepUntilEndAsync(HttpRequest request, WsConnection connection, CancellationToken stopping)
    {
        await _accepted.Writer.WriteAsync((request, connection), stopping);
        await connection.Completion.WaitAsync(stopping);
    }
}
