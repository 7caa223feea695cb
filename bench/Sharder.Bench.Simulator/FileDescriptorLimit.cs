using System.Globalization;

namespace Sharder.Bench.Simulator;

/// <summary>
/// Reads the process's soft open-file limit on Linux. The .NET runtime raises the soft limit to the hard
/// limit at start-up, so the value read here is what the benchmark really gets.
/// </summary>
internal static class FileDescriptorLimit
{
    /// <summary>Descriptors needed besides sockets: runtime, listeners, epoll, files.</summary>
    public const int Overhead = 128;

    /// <summary>The soft limit, or null where <c>/proc/self/limits</c> does not exist.</summary>
    public static long? ReadSoftLimit()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft)) return soft;
            return fields.Length > 0 && fields[0] == "unlimited" ? long.MaxValue : null;
        }

        return null;
    }

    /// <summary>A client socket and a server socket per shard on loopback.</summary>
    public static long Required(int shards) => (2L * shards) + Overhead;
}
