using System.Globalization;

namespace Sharder.Bench.Simulator;

/// <summary>The host's 1-minute load average: tells whether other processes competed for the cores during a run.</summary>
internal static class HostLoad
{
    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>, or null where it does not exist.</summary>
    public static double? ReadOneMinute()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return null;
        var first = File.ReadAllText(path).Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
    }
}
