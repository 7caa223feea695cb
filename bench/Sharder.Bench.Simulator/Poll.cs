namespace Sharder.Bench.Simulator;

/// <summary>Awaits a condition that nothing signals, re-checking on a short period until a deadline.</summary>
internal static class Poll
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    /// <summary>True once <paramref name="condition"/> holds; false if <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeProvider time, CancellationToken ct = default)
    {
        var start = time.GetTimestamp();
        while (!condition())
        {
            if (time.GetElapsedTime(start) >= timeout) return false;
            await Task.Delay(Period, time, ct);
        }

        return true;
    }
}
