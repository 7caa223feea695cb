using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Options;

/// <summary>
/// How to reach Discord: the bot token and the REST and gateway addresses. Read from the section
/// <c>Discord</c> plus <c>DISCORD_TOKEN</c> or <c>DISCORD_TOKEN_FILE</c> (see <see cref="ConfigureDiscordOptions"/>); checked at startup
/// by <see cref="DiscordOptionsValidator"/>. <see cref="ToString"/> never shows the token.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention; DISCORD_TOKEN spells the variable.")]
public sealed class DiscordOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Discord";

    /// <summary>Environment variable for <see cref="Token"/>.</summary>
    public const string DISCORD_TOKEN = nameof(DISCORD_TOKEN);

    /// <summary>Environment variable naming a file that holds <see cref="Token"/> (a Docker or Kubernetes secret).</summary>
    public const string DISCORD_TOKEN_FILE = nameof(DISCORD_TOKEN_FILE);

    /// <summary>Default for <see cref="ApiBaseUrl"/>: Discord's REST API, without a version.</summary>
    public const string DEFAULT_API_BASE_URL = "https://discord.com/api";

    private const string BotPrefix = "Bot ";

    private string? _token;

    /// <summary>
    /// The bot token, without the <c>Bot </c> prefix: a configured value is trimmed and a leading
    /// <c>Bot </c> (any case) is removed, so both spellings work. The callers add the prefix where
    /// Discord wants it. Null when not set.
    /// </summary>
    public string? Token
    {
        get => _token;
        set => _token = NormalizeToken(value);
    }

    /// <summary>
    /// Base of Discord's REST API, without the version (the client appends <c>/v10/...</c>). The simulator
    /// overrides it with its own <c>http://127.0.0.1:port/api</c>.
    /// </summary>
    public Uri ApiBaseUrl { get; set; } = new(DEFAULT_API_BASE_URL);

    /// <summary>
    /// Gateway URL to use instead of the <c>url</c> from <c>/gateway/bot</c>. Null (the default) uses
    /// Discord's answer.
    /// </summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>Describes the settings with the token redacted.</summary>
    public override string ToString()
        => $"{nameof(DiscordOptions)} {{ {nameof(Token)} = {(_token is null ? "<not set>" : "<redacted>")}, "
            + $"{nameof(ApiBaseUrl)} = {ApiBaseUrl}, {nameof(GatewayUrl)} = {GatewayUrl?.ToString() ?? "<from /gateway/bot>"} }}";

    private static string? NormalizeToken(string? value)
    {
        var token = value?.TrimStart();
        if (token is not null && token.StartsWith(BotPrefix, StringComparison.OrdinalIgnoreCase))
        {
            token = token[BotPrefix.Length..];
        }

        token = token?.Trim();
        return string.IsNullOrEmpty(token) ? null : token;
    }
}
