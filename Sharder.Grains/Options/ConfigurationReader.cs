using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Sharder.Grains.Options;

/// <summary>
/// Reads single settings that may come from a flat environment variable (<c>DISCORD_TOKEN</c>) or from a
/// <c>Section:Property</c> key. The variable wins. Values that do not parse are collected as failures
/// that name the key, so one startup error lists them all.
/// </summary>
internal sealed class ConfigurationReader(IConfiguration configuration)
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>The raw value and the key it came from, or null when neither key is set.</summary>
    public (string Key, string Value)? Find(string section, string property, string? environmentVariable = null)
    {
        if (environmentVariable is not null && configuration[environmentVariable] is { Length: > 0 } fromVariable)
        {
            return (environmentVariable, fromVariable);
        }

        var key = $"{section}:{property}";
        return configuration[key] is { Length: > 0 } fromSection ? (key, fromSection) : null;
    }

    public int? ReadInt32(int? current, string section, string property, string? environmentVariable = null)
    {
        if (Find(section, property, environmentVariable) is not var (key, value))
        {
            return current;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{key} is \"{value}\"; set it to a whole number such as 16.");
        return current;
    }

    public TimeSpan ReadTimeSpan(TimeSpan current, string section, string property)
    {
        if (Find(section, property) is not var (key, value))
        {
            return current;
        }

        if (TimeSpan.TryParse(value.Trim(), CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{key} is \"{value}\"; set it to a duration such as \"00:00:05\".");
        return current;
    }

    public Uri? ReadAbsoluteUri(Uri? current, string section, string property)
    {
        if (Find(section, property) is not var (key, value))
        {
            return current;
        }

        // "://" keeps a rooted path such as "/api" from passing as file:///api on Unix.
        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{key} is \"{value}\"; set it to an absolute URL.");
        return current;
    }
}
