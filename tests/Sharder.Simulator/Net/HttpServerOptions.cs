using System.Net;

namespace Sharder.Simulator.Net;

/// <summary>Configuration of one <see cref="HttpServer"/> listener.</summary>
public sealed class HttpServerOptions
{
    /// <summary>Default <see cref="CloseTimeout"/>.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="ShutdownTimeout"/>.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="MaxRequestBodyBytes"/>.</summary>
    public const int DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Listener name recorded on every request and connection, e.g. "bootstrap", "resume-0".</summary>
    public required string Name { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port to bind; 0 picks an ephemeral port (read <see cref="HttpServer.Port"/> after Start).</summary>
    public int Port { get; init; }

    /// <summary>Answers every request that is not a WebSocket upgrade.</summary>
    public required Func<HttpRequest, CancellationToken, ValueTask<HttpResponse>> HandleHttp { get; init; }

    /// <summary>
    /// Runs one accepted WebSocket connection. The token is cancelled when the server stops. When the
    /// handler returns or throws, a close or FIN under way is allowed to finish and the connection is
    /// then disposed (aborted if still open, a blackholed one included), so return only when done.
    /// </summary>
    public required Func<HttpRequest, WsConnection, CancellationToken, Task> HandleWebSocket { get; init; }

    /// <summary>Consulted once per upgrade request; null means never a fault.</summary>
    public Func<HttpRequest, HandshakeFault>? HandshakeFault { get; init; }

    /// <summary>How long a close (our close frame, or FIN) waits for the client before the socket is dropped.</summary>
    public TimeSpan CloseTimeout { get; init; } = DefaultCloseTimeout;

    /// <summary>How long <see cref="HttpServer.DisposeAsync"/> waits for handlers to return.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary>Larger Content-Length bodies get 413.</summary>
    public int MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Called with the listener name and the exception when a handler or a connection fails.</summary>
    public Action<string, Exception>? OnConnectionError { get; init; }
}
