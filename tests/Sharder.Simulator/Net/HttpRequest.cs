using System.Net;

namespace Sharder.Simulator.Net;

/// <summary>A parsed HTTP/1.1 request, either a plain request or a WebSocket upgrade.</summary>
public sealed class HttpRequest
{
    public required string Method { get; init; }

    /// <summary>The request target without its query, verbatim (not percent-decoded), e.g. "/", "//", "/api/v10/gateway/bot".</summary>
    public required string Path { get; init; }

    /// <summary>Percent-decoded query parameters with ordinal keys; the first occurrence of a key wins.</summary>
    public required IReadOnlyDictionary<string, string> Query { get; init; }

    /// <summary>Request headers (case-insensitive names); repeated headers are joined with ", ".</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The Content-Length body; empty for upgrades and bodiless requests.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The <see cref="HttpServerOptions.Name"/> of the server that received the request.</summary>
    public required string ListenerName { get; init; }

    public required IPEndPoint RemoteEndPoint { get; init; }
}
