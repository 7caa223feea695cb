using System.Text.RegularExpressions;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Decides whether a <c>resume_gateway_url</c> (from READY, a Redis checkpoint or a hand-off) may receive
/// the bot token in a Resume. Anyone who can write Redis can write a checkpoint, so the URL is trusted
/// only when it points at Discord's gateway, at the configured bootstrap host (the simulator), or at a
/// host the operator listed in <see cref="GatewayOptions.AllowedResumeHosts"/>. Pure: no I/O, no clock.
/// </summary>
internal static partial class ResumeUrlPolicy
{
    /// <summary>Discord's gateway host; its zonal resume hosts look like <c>gateway-us-east1-c.discord.gg</c>.</summary>
    public const string DiscordGatewayHost = "gateway.discord.gg";

    /// <summary>
    /// Checks <paramref name="url"/> and returns its base URL when a Resume may go there, otherwise null with
    /// <paramref name="rejection"/> saying why (it names the host at most, never the whole URL).
    /// </summary>
    /// <param name="url">The resume URL as received or stored.</param>
    /// <param name="bootstrapUrl">The configured bootstrap URL; its host is trusted with its own scheme.</param>
    /// <param name="allowedHosts">Extra trusted hosts (<c>host</c> or <c>*.domain</c>), validated at start.</param>
    /// <param name="rejection">Why the URL is not used; null when it is.</param>
    public static Uri? Check(string? url, Uri bootstrapUrl, IEnumerable<string> allowedHosts, out string? rejection)
    {
        ArgumentNullException.ThrowIfNull(bootstrapUrl);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        if (string.IsNullOrEmpty(url))
        {
            rejection = "there is no resume URL";
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            rejection = $"the resume URL is not an absolute URL ({url.Length} characters)";
            return null;
        }

        var host = parsed.IdnHost;
        if (parsed.Scheme != Uri.UriSchemeWss && parsed.Scheme != Uri.UriSchemeWs)
        {
            rejection = $"the resume URL for host '{host}' has scheme '{parsed.Scheme}', not wss";
            return null;
        }

        if (parsed.UserInfo.Length > 0)
        {
            rejection = $"the resume URL for host '{host}' carries user information";
            return null;
        }

        var secure = parsed.Scheme == Uri.UriSchemeWss;
        // ws:// only where the operator configured ws:// (the simulator); Discord itself is always wss://.
        var plainAllowed = bootstrapUrl.Scheme == Uri.UriSchemeWs;
        if (!secure && !plainAllowed)
        {
            rejection = $"the resume URL for host '{host}' is ws://, and the bootstrap URL is wss://";
            return null;
        }

        if ((secure && IsDiscordGatewayHost(host))
            || string.Equals(host, bootstrapUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
            || allowedHosts.Any(allowed => MatchesAllowedHost(host, allowed)))
        {
            rejection = null;
            return parsed;
        }

        rejection = $"host '{host}' is neither Discord's gateway, the bootstrap host '{bootstrapUrl.IdnHost}' nor in Gateway:AllowedResumeHosts";
        return null;
    }

    /// <summary><c>gateway.discord.gg</c>, its subdomains, and zonal siblings <c>gateway-*.discord.gg</c>.</summary>
    public static bool IsDiscordGatewayHost(string host) => DiscordGatewayHostPattern().IsMatch(host);

    /// <summary>Whether an allow-list entry is well formed: a DNS name or IP, optionally prefixed with <c>*.</c>.</summary>
    public static bool IsValidAllowedHost(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var host = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
            && !host.Contains('*', StringComparison.Ordinal);
    }

    private static bool MatchesAllowedHost(string host, string allowed)
    {
        if (allowed.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase) && host.Length > allowed.Length - 1;
        }

        return string.Equals(host.Trim('[', ']'), allowed.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^(?:[a-z0-9-]+\.)*gateway(?:-[a-z0-9-]+)?\.discord\.gg$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DiscordGatewayHostPattern();
}
