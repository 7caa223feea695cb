using System.Text;

namespace Sharder.Simulator.Net;

/// <summary>A plain HTTP response; the server always adds Content-Length and <c>Connection: close</c>.</summary>
public sealed record HttpResponse(int StatusCode, string ContentType, byte[] Body)
{
    public const string JsonContentType = "application/json";
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>Extra response headers, e.g. Retry-After.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static HttpResponse Json(int statusCode, string json) =>
        new(statusCode, JsonContentType, Encoding.UTF8.GetBytes(json));

    public static HttpResponse Text(int statusCode, string text) =>
        new(statusCode, TextContentType, Encoding.UTF8.GetBytes(text));
}
