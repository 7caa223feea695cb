using System.Globalization;
using System.Text;

namespace Sharder.Simulator.Net;

/// <summary>Serializes HTTP/1.1 responses: plain ones (always <c>Connection: close</c>) and the 101 upgrade.</summary>
internal static class HttpResponseWriter
{
    public static async ValueTask WriteAsync(Stream stream, HttpResponse response, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.StatusCode} {ReasonPhrase(response.StatusCode)}\r\n");
        AppendHeader(head, "Content-Type", response.ContentType);
        AppendHeader(head, "Content-Length", response.Body.Length.ToString(CultureInfo.InvariantCulture));
        AppendHeader(head, "Connection", "close");
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            AppendHeader(head, name, value);
        }

        head.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(head.ToString());
        var message = new byte[headBytes.Length + response.Body.Length];
        headBytes.CopyTo(message, 0);
        response.Body.CopyTo(message, headBytes.Length);
        await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public static async ValueTask WriteSwitchingProtocolsAsync(Stream stream, string acceptKey, CancellationToken cancellationToken)
    {
        var head =
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {acceptKey}\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), cancellationToken).ConfigureAwait(false);
    }

    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status " + statusCode.ToString(CultureInfo.InvariantCulture),
    };

    private static void AppendHeader(StringBuilder head, string name, string value)
    {
        if (name.AsSpan().ContainsAny("\r\n:") || value.AsSpan().ContainsAny("\r\n"))
        {
            throw new ArgumentException($"Header '{name}' contains a line break or a bad name.", nameof(name));
        }

        head.Append(name).Append(": ").Append(value).Append("\r\n");
    }
}
