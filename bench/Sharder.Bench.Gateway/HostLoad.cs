using System.Globalization;

namespace Sharder.Bench.Gateway;

/// <summary>The host's 1-minute load average (Linux), to tell a quiet run from one that shared the CPU.</summary>
internal static class HostLoad
{
    public static double? ReadOneMinute()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            var first = text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal));
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
