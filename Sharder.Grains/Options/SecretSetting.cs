using Microsoft.Extensions.Configuration;

namespace Sharder.Grains.Options;

/// <summary>
/// Reads a secret that may be given directly (<c>DISCORD_TOKEN</c>) or as a file holding it
/// (<c>DISCORD_TOKEN_FILE</c>, as Docker and Kubernetes mount secrets). Failures name the settings, never the
/// secret or the file's content.
/// </summary>
public static class SecretSetting
{
    /// <summary>Suffix of the variable that names the file: <c>DISCORD_TOKEN</c> → <c>DISCORD_TOKEN_FILE</c>.</summary>
    public const string FileSuffix = "_FILE";

    /// <summary>Files longer than this are not secrets (a wrong path, such as a log): refused unread.</summary>
    internal const long MaxFileLength = 64 * 1024;

    /// <summary>
    /// The secret from <paramref name="variable"/> (or <paramref name="key"/> when the variable is unset) and
    /// from the file named by <paramref name="variable"/><c>_FILE</c>. The file's trailing line break is dropped.
    /// </summary>
    /// <param name="configuration">Where the settings are read.</param>
    /// <param name="variable">The flat variable, e.g. <c>DISCORD_TOKEN</c>.</param>
    /// <param name="key">The <c>Section:Property</c> key read when the variable is unset; null for none.</param>
    /// <returns>
    /// The secret (null when neither is set), and a failure message when the file cannot be read, is empty, or
    /// holds a different value than the one set directly.
    /// </returns>
    public static (string? Value, string? Failure) Read(IConfiguration configuration, string variable, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(variable);
        var fileVariable = variable + FileSuffix;
        var direct = configuration[variable] is { Length: > 0 } fromVariable ? fromVariable
            : key is not null && configuration[key] is { Length: > 0 } fromKey ? fromKey : null;
        var directName = direct is null || configuration[variable] is { Length: > 0 } ? variable : key!;
        if (configuration[fileVariable] is not { Length: > 0 } path)
        {
            return (direct, null);
        }

        string content;
        try
        {
            var file = new FileInfo(path.Trim());
            if (file.Exists && file.Length > MaxFileLength)
            {
                return (direct, $"{fileVariable} names a file of {file.Length} bytes; point it at the file that holds only the secret.");
            }

            content = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (direct, $"{fileVariable} names a file that cannot be read ({ex.GetType().Name}); "
                + $"check the path and its permissions, or set {variable} instead.");
        }

        // Secret files usually end with a line break (echo, kubectl create secret --from-file).
        var fromFile = content.TrimEnd('\r', '\n');
        if (fromFile.Length == 0)
        {
            return (direct, $"{fileVariable} names an empty file; write the secret into it.");
        }

        if (direct is not null && !string.Equals(direct.Trim(), fromFile.Trim(), StringComparison.Ordinal))
        {
            return (direct, $"{directName} and {fileVariable} are both set and differ; set only one of them.");
        }

        return (fromFile, null);
    }
}
