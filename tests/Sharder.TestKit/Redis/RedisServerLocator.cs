namespace Sharder.TestKit.Redis;

/// <summary>Finds the <c>redis-server</c> executable that <see cref="RedisServer"/> starts.</summary>
public static class RedisServerLocator
{
    /// <summary>Message of the exception thrown when no <c>redis-server</c> can be found.</summary>
    public const string NotFoundMessage =
        "redis-server was not found on PATH. Install it: apt-get install -y redis-server (Debian/Ubuntu)";

    private const string ExecutableName = "redis-server";

    /// <summary>Places checked after every PATH entry, for shells whose PATH lacks the usual folders.</summary>
    public static IReadOnlyList<string> FallbackPaths { get; } = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    /// <summary>Searches this process's PATH, then <see cref="FallbackPaths"/>.</summary>
    /// <exception cref="FileNotFoundException">No executable <c>redis-server</c> exists in any of them.</exception>
    public static string Locate() => Locate(Environment.GetEnvironmentVariable("PATH"), FallbackPaths);

    /// <summary>Searches the folders of <paramref name="searchPath"/> (PATH syntax), then <paramref name="fallbackPaths"/>.</summary>
    /// <exception cref="FileNotFoundException">No executable <c>redis-server</c> exists in any of them.</exception>
    public static string Locate(string? searchPath, IEnumerable<string> fallbackPaths)
    {
        ArgumentNullException.ThrowIfNull(fallbackPaths);

        var folders = (searchPath ?? string.Empty).Split(
            Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var candidates = folders.Select(folder => Path.Combine(folder, ExecutableName)).Concat(fallbackPaths);

        return candidates.FirstOrDefault(IsExecutableFile)
            ?? throw new FileNotFoundException(NotFoundMessage, ExecutableName);
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
