using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

/// <summary>
/// Issues event uids that are positive, strictly increasing per source and unique in the process. A uid is a
/// snowflake of the time the event is produced on the source's clock (so it serves as a message id, and a
/// cut-over on the event clock reads the same time the ledger records): 42 bits of milliseconds, 10 bits that
/// tell sources apart, a 12-bit increment. Only more than 4,096 uids in one millisecond of one source, or a
/// clock that goes backwards or is before the Discord epoch, moves a uid's time past its produce time.
/// </summary>
public sealed class EventUidSource
{
    private const int IncrementBits = 12;
    private const int SourceBits = 10;
    private const long IncrementMask = (1L << IncrementBits) - 1;
    private const int TimeShift = IncrementBits + SourceBits;

    // Each source takes the next 10-bit stamp, so sources sharing a process (and a clock) never collide.
    private static int s_sources = -1;

    private readonly TimeProvider _time;
    private readonly long _sourceBits;
    private long _last;

    public EventUidSource()
        : this(TimeProvider.System)
    {
    }

    public EventUidSource(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _sourceBits = (long)(Interlocked.Increment(ref s_sources) & ((1 << SourceBits) - 1)) << IncrementBits;
    }

    /// <summary>A uid for an event produced now on the source's clock.</summary>
    public long Next() => Next(_time.GetUtcNow());

    /// <summary>A uid for an event produced at <paramref name="producedAt"/>.</summary>
    public long Next(DateTimeOffset producedAt)
    {
        long sinceEpoch = Math.Max(0, producedAt.ToUnixTimeMilliseconds() - Snowflake.DiscordEpochMs);
        // Millisecond and increment as one counter: the increment's overflow carries into the next millisecond.
        long floor = sinceEpoch << IncrementBits;
        while (true)
        {
            long last = Volatile.Read(ref _last);
            long next = Math.Max(last + 1, floor);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                long ms = next >> IncrementBits;
                return (ms << TimeShift) | _sourceBits | (next & IncrementMask);
            }
        }
    }
}
