using System.Globalization;

namespace Sharder.Bench.EndToEnd;

/// <summary>CPU time and resident memory of another process, read from /proc (Linux only).</summary>
internal static class ProcessStats
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux this runs on (getconf CLK_TCK).
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds the process has used so far; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }

        // The command name (field 2) may contain spaces; the fields after its closing ')' are space separated.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (15) fields[12].
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>VmRSS in bytes; 0 when the process is gone.</summary>
    public static long RssBytes(int pid) => StatusBytes(pid, "VmRSS:");

    /// <summary>RssAnon in bytes: the resident anonymous memory (GC heap, native heaps, stacks), without mapped files such as the assemblies.</summary>
    public static long AnonymousRssBytes(int pid) => StatusBytes(pid, "RssAnon:");

    /// <summary>Copies <c>/proc/&lt;pid&gt;/smaps</c> to <paramref name="path"/>; nothing when the process is gone.</summary>
    public static void SaveSmaps(int pid, string path)
    {
        try
        {
            File.WriteAllText(path, File.ReadAllText($"/proc/{pid}/smaps"));
        }
        catch (IOException)
        {
        }
    }

    private static long StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>The host's 1-minute load average.</summary>
    public static double LoadAverage()
    {
        var text = File.ReadAllText("/proc/loadavg");
        return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
