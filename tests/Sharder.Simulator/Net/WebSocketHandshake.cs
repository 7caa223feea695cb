using System.Security.Cryptography;
using System.Text;

namespace Sharder.Simulator.Net;

/// <summary>RFC 6455 §4.2 server side of the opening handshake.</summary>
internal static class WebSocketHandshake
{
    public const string SupportedVersion = "13";

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int KeyBytes = 16;

    /// <summary>Whether the request asks for a WebSocket (an <c>Upgrade: websocket</c> header).</summary>
    public static bool IsUpgradeRequest(HttpRequest request) =>
        request.Headers.TryGetValue("Upgrade", out var upgrade) && HasToken(upgrade, "websocket");

    /// <summary>The status code to refuse a malformed upgrade with, or null if it is valid.</summary>
    public static int? Validate(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("Sec-WebSocket-Version", out var version) || version.Trim() != SupportedVersion)
        {
            return 426;
        }

        var valid = request.Method == "GET"
            && request.Headers.TryGetValue("Connection", out var connection) && HasToken(connection, "upgrade")
            && request.Headers.TryGetValue("Sec-WebSocket-Key", out var key) && IsValidKey(key);
        return valid ? null : 400;
    }

    public static string ComputeAccept(string key)
    {
        // SHA-1 is what RFC 6455 prescribes here; this is not a security use.
#pragma warning disable CA5350
        var hash = SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + AcceptGuid));
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[KeyBytes + 2];
        return Convert.TryFromBase64String(key.Trim(), decoded, out var written) && written == KeyBytes;
    }

    private static bool HasToken(string headerValue, string token)
    {
        foreach (var part in headerValue.Split(','))
        {
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
