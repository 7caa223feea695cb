using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Sharder.Grains.Tests.Gateway.Transport;

/// <summary>A one-connection WebSocket server on loopback with a hand-written upgrade, for transport tests.</summary>
internal sealed class LoopbackWebSocketServer : IAsyncDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private TcpClient? _client;

    public LoopbackWebSocketServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Url(string pathAndQuery = "/?v=10&encoding=json") => new($"ws://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>The request line and headers of the upgrade request.</summary>
    public string? RequestHead { get; private set; }

    /// <summary>Accepts the TCP connection but never answers the upgrade.</summary>
    public async Task AcceptSilentlyAsync() => _client = await _listener.AcceptTcpClientAsync();

    public async Task<WebSocket> AcceptAsync()
    {
        _client = await _listener.AcceptTcpClientAsync();
        var stream = _client.GetStream();
        RequestHead = await ReadHeadAsync(stream);
        var key = RequestHead.Split("\r\n")
            .First(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))
            .Split(':', 2)[1].Trim();
#pragma warning disable CA5350 // RFC 6455 defines Sec-WebSocket-Accept with SHA-1; it is not used for security here.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Accept: {accept}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed the connection during the upgrade.");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }
}
