namespace Sharder.Grains.Commands;

/// <summary>
/// Allows at most one log line per <see cref="CommandRejectReason"/> per <see cref="Interval"/>, and counts
/// what it held back, so a flood of bad commands cannot flood the log. Thread-safe; time through <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RejectionLogLimiter(TimeProvider timeProvider)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly long[] _lastLogged = new long[Enum.GetValues<CommandRejectReason>().Length];
    private readonly bool[] _everLogged = new bool[Enum.GetValues<CommandRejectReason>().Length];
    private readonly int[] _suppressed = new int[Enum.GetValues<CommandRejectReason>().Length];

    /// <summary>Whether to log this rejection now; if so, <paramref name="suppressed"/> is how many were held back since the last line.</summary>
    public bool TryTake(CommandRejectReason reason, out int suppressed)
    {
        int index = (int)reason;
        long now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            if (_everLogged[index] && timeProvider.GetElapsedTime(_lastLogged[index], now) < Interval)
            {
                _suppressed[index]++;
                suppressed = 0;
                return false;
            }

            _everLogged[index] = true;
            _lastLogged[index] = now;
            suppressed = _suppressed[index];
            _suppressed[index] = 0;
            return true;
        }
    }
}
