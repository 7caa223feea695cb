using System.Reflection;

namespace Sharder.Silo.Extensions;

/// <summary>The product version (<c>Version</c> in Directory.Build.props), as the silo logs it and <c>/status</c> shows it.</summary>
internal static class SharderVersion
{
    /// <summary>The version without build metadata, e.g. <c>0.1.0</c>.</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        // The SDK appends "+<commit>" to the informational version; the commit is not the version.
        var informational = typeof(SharderVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is null)
        {
            return typeof(SharderVersion).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
