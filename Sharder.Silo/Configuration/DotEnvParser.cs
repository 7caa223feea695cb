using System.Text;

namespace Sharder.Silo.Configuration;

/// <summary>
/// Reads the <c>.env</c> format used by sharder-binary: one <c>KEY=VALUE</c> per line, <c>#</c> comments,
/// blank lines, an optional <c>export </c> prefix, and values that may be wrapped in single quotes (taken
/// literally) or double quotes (with <c>\n</c>, <c>\t</c>, <c>\"</c> and <c>\\</c> escapes). An unquoted value
/// ends at a <c>#</c> that follows whitespace. Pure: no I/O.
/// </summary>
internal static class DotEnvParser
{
    private const string ExportPrefix = "export ";

    public static DotEnvDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line, out var key, out var value, out var problem))
            {
                values[key] = value;
            }
            else
            {
                errors.Add($".env line {index + 1}: {problem}");
            }
        }

        return new DotEnvDocument(values, errors);
    }

    private static bool TryParseLine(string line, out string key, out string value, out string problem)
    {
        key = value = problem = string.Empty;
        if (line.StartsWith(ExportPrefix, StringComparison.Ordinal))
        {
            line = line[ExportPrefix.Length..].TrimStart();
        }

        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            problem = "expected KEY=VALUE.";
            return false;
        }

        key = line[..equals].Trim();
        if (!IsValidKey(key))
        {
            problem = "the key may only contain letters, digits, '_', '.' and ':' and must not start with a digit.";
            return false;
        }

        var rest = line[(equals + 1)..].TrimStart();
        return rest.Length > 0 && rest[0] is '"' or '\''
            ? TryReadQuoted(rest, out value, out problem)
            : ReadUnquoted(rest, out value);
    }

    private static bool IsValidKey(string key)
        => key.Length > 0
            && !char.IsAsciiDigit(key[0])
            && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':');

    private static bool ReadUnquoted(string rest, out string value)
    {
        var end = rest.Length;
        for (var i = 1; i < rest.Length; i++)
        {
            if (rest[i] == '#' && char.IsWhiteSpace(rest[i - 1]))
            {
                end = i;
                break;
            }
        }

        value = rest[..end].TrimEnd();
        return true;
    }

    private static bool TryReadQuoted(string rest, out string value, out string problem)
    {
        var quote = rest[0];
        var builder = new StringBuilder(rest.Length);
        var i = 1;
        for (; i < rest.Length && rest[i] != quote; i++)
        {
            if (quote == '"' && rest[i] == '\\' && i + 1 < rest.Length)
            {
                i++;
                builder.Append(rest[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    var other => other,
                });
            }
            else
            {
                builder.Append(rest[i]);
            }
        }

        value = builder.ToString();
        problem = string.Empty;
        if (i >= rest.Length)
        {
            problem = $"the value has no closing {quote} (values cannot span lines).";
            return false;
        }

        var after = rest[(i + 1)..].TrimStart();
        if (after.Length > 0 && after[0] != '#')
        {
            problem = $"unexpected text after the closing {quote}; put a comment after '#'.";
            return false;
        }

        return true;
    }
}
