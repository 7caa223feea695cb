namespace Sharder.Simulator.World;

/// <summary>
/// Discord snowflake ids: 42 bits of milliseconds since the Discord epoch, then 5 bits worker,
/// 5 bits process and a 12-bit increment (GP §10, R-3.5).
/// </summary>
public static class Snowflake
{
    public const long DiscordEpochMs = 1420070400000;

    private const int TimestampShift = 22;
    private const int WorkerShift = 17;
    private const int ProcessShift = 12;
    private const int MaxWorker = 31;
    private const int MaxProcess = 31;
    private const int MaxIncrement = 4095;

    public static ulong Create(DateTimeOffset timestamp, int worker, int process, int increment)
    {
        long sinceEpoch = timestamp.ToUnixTimeMilliseconds() - DiscordEpochMs;
        ArgumentOutOfRangeException.ThrowIfNegative(sinceEpoch, nameof(timestamp));
        return FromParts((ulong)sinceEpoch, worker, process, increment);
    }

    /// <summary>Shard that receives events of this guild: <c>(id &gt;&gt; 22) % numShards</c> (GP §10).</summary>
    public static int ShardFor(ulong guildId, int numShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numShards, 1);
        return (int)((guildId >> TimestampShift) % (ulong)numShards);
    }

    public static DateTimeOffset TimestampOf(ulong id) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(id >> TimestampShift) + DiscordEpochMs);

    public static int WorkerOf(ulong id) => (int)((id >> WorkerShift) & MaxWorker);

    public static int ProcessOf(ulong id) => (int)((id >> ProcessShift) & MaxProcess);

    public static int IncrementOf(ulong id) => (int)(id & MaxIncrement);

    internal static ulong FromParts(ulong msSinceEpoch, int worker, int process, int increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(worker, MaxWorker);
        ArgumentOutOfRangeException.ThrowIfNegative(process);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(process, MaxProcess);
        ArgumentOutOfRangeException.ThrowIfNegative(increment);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(increment, MaxIncrement);
        return (msSinceEpoch << TimestampShift)
            | ((ulong)(uint)worker << WorkerShift)
            | ((ulong)(uint)process << ProcessShift)
            | (uint)increment;
    }

    internal static ulong MillisecondsSinceEpoch(ulong id) => id >> TimestampShift;
}
