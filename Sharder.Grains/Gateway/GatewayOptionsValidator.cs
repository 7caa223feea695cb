using Microsoft.Extensions.Options;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Checks <see cref="GatewayOptions"/> and reports every problem at once, each naming
/// <c>Section:Property</c> (the configuration key) and how to fix it.
/// </summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    internal const int MinLargeThreshold = 50;
    internal const int MaxLargeThreshold = 250;
    internal const int MinDecompressedMessageBytes = 64 * 1024;
    internal const int MinCommandsPerMinute = 10;
    internal const int MaxCommandsPerMinute = 120;
    internal const int MinCommandBytes = 512;
    internal const int MaxCommandBytes = 4096;
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);
    internal static readonly TimeSpan MaxIdentifyConnectLead = TimeSpan.FromSeconds(30);
    internal const long MinSinkBufferBytes = 64 * 1024;

    private const string Name = GatewayOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        ValidateBootstrapUrl(options.BootstrapUrl, failures);

        if (!Enum.IsDefined(options.Compression))
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.Compression)} is {(int)options.Compression}; "
                + $"set it to {string.Join(", ", Enum.GetNames<GatewayCompression>())}.");
        }

        if (options.LargeThreshold is < MinLargeThreshold or > MaxLargeThreshold)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.LargeThreshold)} is {options.LargeThreshold}; "
                + $"set it between {MinLargeThreshold} and {MaxLargeThreshold} (Discord's accepted range).");
        }

        if (options.MaxDecompressedMessageBytes < MinDecompressedMessageBytes)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.MaxDecompressedMessageBytes)} is "
                + $"{options.MaxDecompressedMessageBytes}; set it to at least {MinDecompressedMessageBytes} "
                + $"(default {GatewayOptions.DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES}): READY and GUILD_CREATE can be megabytes.");
        }

        ValidateTimeout(nameof(GatewayOptions.HandshakeTimeout), options.HandshakeTimeout, failures);
        ValidateTimeout(nameof(GatewayOptions.HelloTimeout), options.HelloTimeout, failures);
        if (options.IdentifyConnectLead < TimeSpan.Zero || options.IdentifyConnectLead > MaxIdentifyConnectLead)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.IdentifyConnectLead)} is {options.IdentifyConnectLead}; "
                + $"set it between 00:00:00 and {MaxIdentifyConnectLead:c} (default {GatewayOptions.DEFAULT_IDENTIFY_CONNECT_LEAD:c}): "
                + "it must cover connect, TLS and Hello, and a longer one only holds sockets open for nothing.");
        }

        ValidateTimeout(nameof(GatewayOptions.ReconnectBaseDelay), options.ReconnectBaseDelay, failures);
        ValidateTimeout(nameof(GatewayOptions.ReconnectMaxDelay), options.ReconnectMaxDelay, failures);
        ValidateTimeout(nameof(GatewayOptions.SinkStallTimeout), options.SinkStallTimeout, failures);
        ValidateTimeout(nameof(GatewayOptions.SessionResumeWindow), options.SessionResumeWindow, failures);

        if (options.ReconnectMaxDelay < options.ReconnectBaseDelay)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.ReconnectMaxDelay)} ({options.ReconnectMaxDelay}) is below "
                + $"{Name}:{nameof(GatewayOptions.ReconnectBaseDelay)} ({options.ReconnectBaseDelay}); "
                + "set the maximum to at least the base delay.");
        }

        if (options.CommandsPerMinute is < MinCommandsPerMinute or > MaxCommandsPerMinute)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.CommandsPerMinute)} is {options.CommandsPerMinute}; "
                + $"set it between {MinCommandsPerMinute} and {MaxCommandsPerMinute} "
                + "(Discord closes a connection with 4008 above 120 per minute).");
        }

        if (options.MaxCommandBytes is < MinCommandBytes or > MaxCommandBytes)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.MaxCommandBytes)} is {options.MaxCommandBytes}; "
                + $"set it between {MinCommandBytes} and {MaxCommandBytes} "
                + "(Discord closes a connection with 4002 above 4096 bytes).");
        }

        if (options.SinkBufferLimit < 1)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.SinkBufferLimit)} is {options.SinkBufferLimit}; "
                + $"set it to at least 1 (default {GatewayOptions.DEFAULT_SINK_BUFFER_LIMIT}).");
        }

        if (options.SinkBufferBytes < MinSinkBufferBytes)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.SinkBufferBytes)} is {options.SinkBufferBytes}; "
                + $"set it to at least {MinSinkBufferBytes} (default {GatewayOptions.DEFAULT_SINK_BUFFER_BYTES}).");
        }

        ValidateTimeout(nameof(GatewayOptions.MinHeartbeatInterval), options.MinHeartbeatInterval, failures);
        ValidateTimeout(nameof(GatewayOptions.MaxHeartbeatInterval), options.MaxHeartbeatInterval, failures);
        if (options.MaxHeartbeatInterval < options.MinHeartbeatInterval)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.MaxHeartbeatInterval)} ({options.MaxHeartbeatInterval}) is below "
                + $"{Name}:{nameof(GatewayOptions.MinHeartbeatInterval)} ({options.MinHeartbeatInterval}); set the maximum to at least the minimum.");
        }

        ValidateTimeout(nameof(GatewayOptions.IdentifyFailureBackoffBase), options.IdentifyFailureBackoffBase, failures);
        ValidateTimeout(nameof(GatewayOptions.IdentifyFailureBackoffMax), options.IdentifyFailureBackoffMax, failures);
        if (options.IdentifyFailureBackoffMax < options.IdentifyFailureBackoffBase)
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.IdentifyFailureBackoffMax)} ({options.IdentifyFailureBackoffMax}) is below "
                + $"{Name}:{nameof(GatewayOptions.IdentifyFailureBackoffBase)} ({options.IdentifyFailureBackoffBase}); set the maximum to at least the base.");
        }

        ValidateAllowedResumeHosts(options.AllowedResumeHosts, failures);
        ValidatePresence(options.Presence, failures);

        if (string.IsNullOrWhiteSpace(options.UserAgent) || options.UserAgent.Any(char.IsControl))
        {
            failures.Add($"{Name}:{nameof(GatewayOptions.UserAgent)} is empty or has control characters; "
                + $"set it like \"{GatewayOptions.DEFAULT_USER_AGENT}\".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateBootstrapUrl(Uri? url, List<string> failures)
    {
        const string Property = $"{Name}:{nameof(GatewayOptions.BootstrapUrl)}";
        if (url is null || !url.IsAbsoluteUri)
        {
            failures.Add($"{Property} is {(url is null ? "missing" : $"\"{url}\"")}; "
                + $"set it to an absolute URL such as \"{GatewayOptions.DEFAULT_BOOTSTRAP_URL}\".");
            return;
        }

        if (url.Scheme != Uri.UriSchemeWss && url.Scheme != Uri.UriSchemeWs)
        {
            failures.Add($"{Property} is \"{url}\"; set it to a ws:// or wss:// URL such as \"{GatewayOptions.DEFAULT_BOOTSTRAP_URL}\".");
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            failures.Add($"{Property} is \"{url}\"; set it without a query string or fragment "
                + "(the client adds v, encoding and compress itself).");
        }
    }

    private static void ValidateAllowedResumeHosts(IList<string>? hosts, List<string> failures)
    {
        const string Property = $"{Name}:{nameof(GatewayOptions.AllowedResumeHosts)}";
        if (hosts is null)
        {
            failures.Add($"{Property} is missing; set it to an empty list or to host names such as \"gateway.example.net\" or \"*.example.net\".");
            return;
        }

        for (var i = 0; i < hosts.Count; i++)
        {
            if (!ResumeUrlPolicy.IsValidAllowedHost(hosts[i]))
            {
                failures.Add($"{Property} has \"{hosts[i]}\" (entry {i}); set a bare host name or IP (no scheme, port or path) "
                    + "such as \"gateway.example.net\", or \"*.example.net\" for its subdomains.");
            }
        }
    }

    private static void ValidatePresence(GatewayPresenceOptions? presence, List<string> failures)
    {
        const string Property = $"{Name}:{nameof(GatewayOptions.Presence)}";
        if (presence is null)
        {
            return;
        }

        if (presence.Status is { } status
            && !GatewayPresenceOptions.Statuses.Contains(status.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{Property}:{nameof(GatewayPresenceOptions.Status)} is \"{status}\"; "
                + $"set it to one of {string.Join(", ", GatewayPresenceOptions.Statuses)}.");
        }

        if (!Enum.IsDefined(presence.ActivityType))
        {
            failures.Add($"{Property}:{nameof(GatewayPresenceOptions.ActivityType)} is {(int)presence.ActivityType}; "
                + $"set it to one of {string.Join(", ", Enum.GetNames<GatewayActivityType>())}.");
        }

        if (presence.ActivityName is { } name
            && (string.IsNullOrWhiteSpace(name) || name.Length > GatewayPresenceOptions.MaxActivityNameLength || name.Any(char.IsControl)))
        {
            failures.Add($"{Property}:{nameof(GatewayPresenceOptions.ActivityName)} is empty, longer than "
                + $"{GatewayPresenceOptions.MaxActivityNameLength} characters or has control characters; set a short text such as \"with shards\".");
        }

        if (presence.ActivityType == GatewayActivityType.Streaming && presence.ActivityName is not null
            && (presence.ActivityUrl is not { IsAbsoluteUri: true } url || url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{Property}:{nameof(GatewayPresenceOptions.ActivityUrl)} is {(presence.ActivityUrl is null ? "missing" : $"\"{presence.ActivityUrl}\"")}; "
                + "a Streaming activity needs the stream's https:// URL (Twitch or YouTube).");
        }
    }

    private static void ValidateTimeout(string property, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            failures.Add($"{Name}:{property} is {value}; set it to a positive duration of at most {MaxTimeout} "
                + "(for example \"00:00:10\").");
        }
    }
}
