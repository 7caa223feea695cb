using Microsoft.Extensions.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Checks <see cref="DiscordOptions"/> and reports every problem at once. Messages about the token never
/// contain its value.
/// </summary>
public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    private const string Token = $"{DiscordOptions.SectionName}:{nameof(DiscordOptions.Token)} ({DiscordOptions.DISCORD_TOKEN})";
    private const string ApiBaseUrl = $"{DiscordOptions.SectionName}:{nameof(DiscordOptions.ApiBaseUrl)}";
    private const string GatewayUrl = $"{DiscordOptions.SectionName}:{nameof(DiscordOptions.GatewayUrl)}";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        ValidateToken(options.Token, failures);
        ValidateApiBaseUrl(options.ApiBaseUrl, failures);
        ValidateGatewayUrl(options.GatewayUrl, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateToken(string? token, List<string> failures)
    {
        if (token is null)
        {
            failures.Add($"{DiscordOptions.DISCORD_TOKEN} is not set; set the {DiscordOptions.DISCORD_TOKEN} environment "
                + $"variable (or {DiscordOptions.SectionName}:{nameof(DiscordOptions.Token)}, or {DiscordOptions.DISCORD_TOKEN_FILE} to a file holding it) to the bot token from the "
                + "Discord Developer Portal (Applications > your app > Bot).");
            return;
        }

        if (token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"{Token} contains spaces or control characters; set it to the bare token, "
                + "optionally prefixed with \"Bot \".");
        }
        else if (token.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Token} looks like an OAuth2 bearer token; set it to the bot token from the "
                + "Developer Portal's Bot page.");
        }
    }

    private static void ValidateApiBaseUrl(Uri? url, List<string> failures)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{ApiBaseUrl} is {Describe(url)}; set it to an http(s) URL such as "
                + $"\"{DiscordOptions.DEFAULT_API_BASE_URL}\" (the default), or the simulator's \"http://127.0.0.1:port/api\".");
            return;
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            failures.Add($"{ApiBaseUrl} is \"{url}\"; set it without a query string or fragment.");
        }

        var lastSegment = url.AbsolutePath.TrimEnd('/').Split('/')[^1];
        if (lastSegment.Length > 1 && lastSegment[0] == 'v' && lastSegment[1..].All(char.IsAsciiDigit))
        {
            failures.Add($"{ApiBaseUrl} is \"{url}\"; set it without the API version (the client adds /v10), "
                + $"for example \"{DiscordOptions.DEFAULT_API_BASE_URL}\".");
        }
    }

    private static void ValidateGatewayUrl(Uri? url, List<string> failures)
    {
        if (url is null)
        {
            return;
        }

        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeWss && url.Scheme != Uri.UriSchemeWs))
        {
            failures.Add($"{GatewayUrl} is {Describe(url)}; set it to a ws:// or wss:// URL such as "
                + "\"wss://gateway.discord.gg\", or leave it unset to use the URL from /gateway/bot.");
        }
        else if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            failures.Add($"{GatewayUrl} is \"{url}\"; set it without a query string or fragment "
                + "(the client adds v, encoding and compress itself).");
        }
    }

    private static string Describe(Uri? url) => url is null ? "missing" : $"\"{url}\"";
}
