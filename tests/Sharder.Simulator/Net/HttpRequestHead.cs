namespace Sharder.Simulator.Net;

/// <summary>The parsed request line and headers of one HTTP/1.1 request.</summary>
internal sealed class HttpRequestHead
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    public required Dictionary<string, string> Query { get; init; }

    public required Dictionary<string, string> Headers { get; init; }
}
