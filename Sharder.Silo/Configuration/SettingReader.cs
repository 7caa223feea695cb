using System.Globalization;

namespace Sharder.Silo.Configuration;

/// <summary>
/// Reads single settings where a flat environment variable (<c>SHARDER_SILO_PORT</c>) wins over a
/// <c>Section:Property</c> key. Values that do not parse become failures naming the key, never the value.
/// </summary>
internal sealed class SettingReader(IConfiguration configuration)
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

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
    {
        if (Find(key, environmentVariable) is not var (foundKey, value))
        {
            return current;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _failures.Add($"{foundKey} is not a whole number; set it to a port such as {current}.");
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
}
