using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

/// <summary>
/// Issues event uids that are unique in the process, strictly increasing and positive. A uid is shaped like
/// a snowflake of the current time (so it can serve as a message id) and falls back to counting when many
/// uids share a millisecond or the clock is before the Discord epoch.
/// </summary>
public sealed class EventUidSource
{
    // Shared by every instance, so two sources in one process never hand out the same uid.
    private static long s_last;

    private readonly TimeProvider _time;

    public EventUidSource()
        : this(TimeProvider.System)
    {
    }

    public EventUidSource(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public long Next()
    {
        long sinceEpoch = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - Snowflake.DiscordEpochMs);
        long floor = sinceEpoch << 22;
        while (true)
        {
            long last = Volatile.Read(ref s_last);
            long next = Math.Max(last + 1, floor);
            if (Interlocked.CompareExchange(ref s_last, next, last) == last)
            {
                return next;
            }
        }
    }
}
