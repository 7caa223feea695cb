using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Sharder.Grains.Options;

/// <summary>
/// Reads single settings that may come from a flat environment variable (<c>DISCORD_TOKEN</c>) or from a
/// <c>Section:Property</c> key. The variable wins; values are trimmed. Values that do not parse are
/// collected as failures that name the key, so one startup error lists them all. The silo host and the
/// grain options share it.
/// </summary>
internal sealed class ConfigurationReader(IConfiguration configuration)
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>The trimmed value and the key it came from, or null when neither key is set.</summary>
    public (string Key, string Value)? Find(string key, string? environmentVariable = null)
    {
        if (environmentVariable is not null && configuration[environmentVariable] is { Length: > 0 } fromVariable)
        {
            return (environmentVariable, fromVariable.Trim());
        }

        return configuration[key] is { Length: > 0 } fromKey ? (key, fromKey.Trim()) : null;
    }

    public string ReadString(string current, string key, string? environmentVariable = null)
        => Find(key, environmentVariable)?.Value ?? current;

    public int ReadInt32(int current, string key, string? environmentVariable = null)
        => ReadOptionalInt32(current, key, environmentVariable) ?? current;

    public int? ReadOptionalInt32(int? current, string key, string? environmentVariable = null)
    {
        if (Find(key, environmentVariable) is not var (foundKey, value))
        {
            return current;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{foundKey} is \"{value}\", not a whole number; set it to one such as {current ?? 16}.");
        return current;
    }

    public TimeSpan ReadTimeSpan(TimeSpan current, string key)
    {
        if (Find(key) is not var (foundKey, value))
        {
            return current;
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{foundKey} is \"{value}\"; set it to a duration such as \"{current:c}\".");
        return current;
    }

    public Uri? ReadAbsoluteUri(Uri? current, string key)
    {
        if (Find(key) is not var (foundKey, value))
        {
            return current;
        }

        // "://" keeps a rooted path such as "/api" from passing as file:///api on Unix.
        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{foundKey} is \"{value}\"; set it to an absolute URL.");
        return current;
    }
}
