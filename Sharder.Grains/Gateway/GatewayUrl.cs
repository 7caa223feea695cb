namespace Sharder.Grains.Gateway;

/// <summary>Builds the WebSocket URL of a gateway connection from a base URL.</summary>
internal static class GatewayUrl
{
    internal const int ApiVersion = 10;

    /// <summary>
    /// <c>{base}/?v=10&amp;encoding=json[&amp;compress=…]</c>. The base may come with or without a trailing
    /// slash (Discord's resume URLs have none); any query it had is replaced.
    /// </summary>
    /// <param name="baseUrl">The bootstrap URL or a session's resume URL.</param>
    /// <param name="compression">The <c>compress</c> value, or "" for none.</param>
    public static Uri Build(Uri baseUrl, string compression)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(compression);
        var query = compression.Length == 0
            ? $"v={ApiVersion}&encoding=json"
            : $"v={ApiVersion}&encoding=json&compress={compression}";
        return new UriBuilder(baseUrl) { Query = query, Fragment = "" }.Uri;
    }

    /// <summary>Parses a <c>resume_gateway_url</c>; null unless it is an absolute ws/wss URL.</summary>
    public static Uri? ParseBaseOrNull(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            && (parsed.Scheme == Uri.UriSchemeWss || parsed.Scheme == Uri.UriSchemeWs)
            ? parsed
            : null;
}
