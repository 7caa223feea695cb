using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sharder.Simulator.Net;

/// <summary>
/// A small HTTP/1.1 + WebSocket server on one <see cref="TcpListener"/> (R-2.4): hand-parsed requests,
/// WebSocket upgrades on any path, handshake faults, and full socket access for transport faults.
/// Each connection runs on its own task; a failing handler only loses its own connection.
/// </summary>
public sealed class HttpServer : IAsyncDisposable
{
    private readonly HttpServerOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, TrackedConnection> _connections = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _lastConnectionKey;
    private int _disposed;

    public HttpServer(HttpServerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    public string Name => _options.Name;

    /// <summary>TCP connections currently being served (plain HTTP, handshakes and WebSockets).</summary>
    public int OpenConnectionCount => _connections.Count;

    /// <summary>Binds and starts accepting; <see cref="Port"/> is known afterwards.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException($"Server '{Name}' is already started.");
        }

        _listener = new TcpListener(_options.Address, _options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_listener, _stopping.Token));
    }

    /// <summary>Stops accepting, aborts every open connection and waits (bounded) for handlers to return.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }

        var running = _connections.Values.Select(c => c.Task).Append(_acceptLoop).ToArray();
        try
        {
            await Task.WhenAll(running).WaitAsync(_options.ShutdownTimeout, _time).ConfigureAwait(false);
            _stopping.Dispose();
        }
        catch (TimeoutException)
        {
            // A handler ignored cancellation; its connection is already aborted. It may still read
            // the token, so the source stays undisposed.
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // E.g. the peer reset before accept completed: keep serving.
                _options.OnConnectionError?.Invoke(Name, ex);
                continue;
            }

            socket.NoDelay = true;
            var key = Interlocked.Increment(ref _lastConnectionKey);
            var tracked = new TrackedConnection(socket);
            _connections[key] = tracked;
            tracked.Task = Task.Run(() => ServeAsync(key, tracked, stopping), CancellationToken.None);
        }
    }

    private async Task ServeAsync(long key, TrackedConnection tracked, CancellationToken stopping)
    {
        try
        {
            await ServeConnectionAsync(tracked, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTeardown(ex, stopping))
        {
            // The client went away or the server is stopping: nothing to report.
        }
        catch (Exception ex)
        {
            _options.OnConnectionError?.Invoke(Name, ex);
        }
        finally
        {
            if (tracked.WebSocket is { } webSocket)
            {
                await webSocket.DisposeAsync().ConfigureAwait(false);
            }

            tracked.Socket.Dispose();
            _connections.TryRemove(key, out _);
        }
    }

    private async Task ServeConnectionAsync(TrackedConnection tracked, CancellationToken stopping)
    {
        var socket = tracked.Socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        var head = await HttpRequestReader.ReadHeadAsync(stream, stopping).ConfigureAwait(false);
        switch (head.Status)
        {
            case HeadReadStatus.ConnectionClosed:
                return;
            case HeadReadStatus.TooLarge:
                await RespondAndCloseAsync(stream, socket, HttpResponse.Text(431, "Request head too large"), stopping).ConfigureAwait(false);
                return;
        }

        if (!HttpRequestReader.TryParseHead(head.Head.Span, out var parsed))
        {
            await RespondAndCloseAsync(stream, socket, HttpResponse.Text(400, "Malformed request"), stopping).ConfigureAwait(false);
            return;
        }

        var request = new HttpRequest
        {
            Method = parsed.Method,
            Path = parsed.Path,
            Query = parsed.Query,
            Headers = parsed.Headers,
            Body = [],
            ListenerName = Name,
            RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!,
        };

        if (WebSocketHandshake.IsUpgradeRequest(request))
        {
            await ServeUpgradeAsync(tracked, stream, request, head.Leftover, stopping).ConfigureAwait(false);
        }
        else
        {
            await ServeHttpAsync(stream, socket, request, head.Leftover, stopping).ConfigureAwait(false);
        }
    }

    private async Task ServeHttpAsync(
        NetworkStream stream, Socket socket, HttpRequest request, ReadOnlyMemory<byte> leftover, CancellationToken stopping)
    {
        if (request.Headers.ContainsKey("Transfer-Encoding"))
        {
            await RespondAndCloseAsync(stream, socket, HttpResponse.Text(501, "Chunked bodies are not supported"), stopping).ConfigureAwait(false);
            return;
        }

        var contentLength = 0;
        if (request.Headers.TryGetValue("Content-Length", out var lengthText)
            && (!int.TryParse(lengthText, out contentLength) || contentLength < 0))
        {
            await RespondAndCloseAsync(stream, socket, HttpResponse.Text(400, "Bad Content-Length"), stopping).ConfigureAwait(false);
            return;
        }

        if (contentLength > _options.MaxRequestBodyBytes)
        {
            await RespondAndCloseAsync(stream, socket, HttpResponse.Text(413, "Body too large"), stopping).ConfigureAwait(false);
            return;
        }

        if (contentLength > 0)
        {
            var body = await HttpRequestReader.ReadBodyAsync(stream, leftover, contentLength, stopping).ConfigureAwait(false);
            request = CopyWithBody(request, body);
        }

        HttpResponse response;
        try
        {
            response = await _options.HandleHttp(request, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            _options.OnConnectionError?.Invoke(Name, ex);
            response = HttpResponse.Text(500, "Handler failed");
        }

        await RespondAndCloseAsync(stream, socket, response, stopping).ConfigureAwait(false);
    }

    private async Task ServeUpgradeAsync(
        TrackedConnection tracked, NetworkStream stream, HttpRequest request, ReadOnlyMemory<byte> leftover, CancellationToken stopping)
    {
        var socket = tracked.Socket;
        if (WebSocketHandshake.Validate(request) is { } refusal)
        {
            var response = HttpResponse.Text(refusal, "Invalid WebSocket upgrade") with
            {
                Headers = new Dictionary<string, string> { ["Sec-WebSocket-Version"] = WebSocketHandshake.SupportedVersion },
            };
            await RespondAndCloseAsync(stream, socket, response, stopping).ConfigureAwait(false);
            return;
        }

        switch (_options.HandshakeFault?.Invoke(request) ?? HandshakeFault.None)
        {
            case HandshakeFault.RefuseTcp:
                socket.Close(0); // abortive close: RST
                return;
            case HandshakeFault.ServiceUnavailable:
                await RespondAndCloseAsync(stream, socket, HttpResponse.Text(503, "Service Unavailable"), stopping).ConfigureAwait(false);
                return;
            case HandshakeFault.HangBeforeUpgrade:
                await IdleUntilPeerLeavesAsync(stream, stopping).ConfigureAwait(false);
                return;
            case HandshakeFault.HangAfterUpgrade:
                await WriteSwitchingProtocolsAsync(stream, request, stopping).ConfigureAwait(false);
                await IdleUntilPeerLeavesAsync(stream, stopping).ConfigureAwait(false);
                return;
        }

        await WriteSwitchingProtocolsAsync(stream, request, stopping).ConfigureAwait(false);
        var connectionStream = new ConnectionStream(new NetworkStream(socket, ownsSocket: true), leftover.ToArray());
        var webSocket = new WsConnection(Name, socket, connectionStream, _time, _options.CloseTimeout);
        tracked.WebSocket = webSocket;
        if (stopping.IsCancellationRequested)
        {
            return; // DisposeAsync may have swept the connections before this one got its WebSocket
        }

        try
        {
            await _options.HandleWebSocket(request, webSocket, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested || ex is not OperationCanceledException)
        {
            _options.OnConnectionError?.Invoke(Name, ex);
        }

        // A handler may return right after starting a close or a FIN; let that finish (it is bounded
        // by the close timeout) rather than cutting it short, which could turn a FIN into an RST.
        await webSocket.ClosingCompletion.ConfigureAwait(false);
    }

    private static bool IsTeardown(Exception ex, CancellationToken stopping) =>
        ex is IOException or SocketException or ObjectDisposedException
        || (ex is OperationCanceledException && stopping.IsCancellationRequested);

    private static async Task WriteSwitchingProtocolsAsync(Stream stream, HttpRequest request, CancellationToken stopping)
    {
        var accept = WebSocketHandshake.ComputeAccept(request.Headers["Sec-WebSocket-Key"]);
        await HttpResponseWriter.WriteSwitchingProtocolsAsync(stream, accept, stopping).ConfigureAwait(false);
    }

    private async Task RespondAndCloseAsync(Stream stream, Socket socket, HttpResponse response, CancellationToken stopping)
    {
        await HttpResponseWriter.WriteAsync(stream, response, stopping).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);

        // Let the client close first (bounded), so stray input cannot turn our close into an RST.
        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            await IdleUntilPeerLeavesAsync(stream, linger.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // The client kept the connection open; close it anyway.
        }
    }

    /// <summary>Reads and drops input until the peer closes, the connection breaks, or the server stops.</summary>
    private static async Task IdleUntilPeerLeavesAsync(Stream stream, CancellationToken stopping)
    {
        var scratch = new byte[1024];
        try
        {
            while (await stream.ReadAsync(scratch, stopping).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer reset the connection: it has left.
        }
    }

    private static HttpRequest CopyWithBody(HttpRequest request, byte[] body) => new()
    {
        Method = request.Method,
        Path = request.Path,
        Query = request.Query,
        Headers = request.Headers,
        Body = body,
        ListenerName = request.ListenerName,
        RemoteEndPoint = request.RemoteEndPoint,
    };

    /// <summary>A served TCP connection, so shutdown can abort it whatever stage it is in.</summary>
    private sealed class TrackedConnection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public Task Task { get; set; } = Task.CompletedTask;

        public WsConnection? WebSocket { get; set; }

        public void Abort()
        {
            if (WebSocket is { } webSocket)
            {
                webSocket.Abort();
            }
            else
            {
                Socket.Dispose();
            }
        }
    }
}
