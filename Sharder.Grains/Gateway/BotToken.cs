namespace Sharder.Grains.Gateway;

/// <summary>
/// A Discord bot token. <see cref="ToString"/> is redacted, so formatting it into a log line, an
/// exception or a debugger view never leaks the secret; only <see cref="Reveal"/> returns it, and only
/// the Identify and Resume writers call that.
/// </summary>
internal sealed class BotToken
{
    private const string Redacted = "BotToken(redacted)";

    private readonly string _value;

    /// <param name="value">The token, with or without the <c>Bot </c> prefix (Discord accepts both in Identify).</param>
    public BotToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Any(char.IsControl))
        {
            throw new ArgumentException("A bot token cannot contain control characters.", nameof(value));
        }

        _value = value;
    }

    /// <summary>The secret itself, for the payloads that must carry it.</summary>
    public string Reveal() => _value;

    public override string ToString() => Redacted;
}
