namespace Sharder.Simulator.World;

/// <summary>
/// Distribution of GUILD_CREATE sizes (R-5.3 <c>guildCreateSizeDistribution</c>): most guilds are small,
/// a few are large, and optionally one huge guild tests payloads of tens of megabytes (F22).
/// </summary>
public sealed class GuildCreateSizeMix
{
    public const int DefaultSmallMinBytes = 2 * 1024;
    public const int DefaultSmallMaxBytes = 20 * 1024;
    public const int DefaultLargeMinBytes = 1024 * 1024;
    public const int DefaultLargeMaxBytes = 8 * 1024 * 1024;
    public const double DefaultLargeFraction = 0.05;

    /// <summary>Share of guilds drawn from the large range (default 5%).</summary>
    public double LargeFraction { get; set; } = DefaultLargeFraction;

    public int SmallMinBytes { get; set; } = DefaultSmallMinBytes;

    public int SmallMaxBytes { get; set; } = DefaultSmallMaxBytes;

    public int LargeMinBytes { get; set; } = DefaultLargeMinBytes;

    public int LargeMaxBytes { get; set; } = DefaultLargeMaxBytes;

    /// <summary>When set, the first guild of the world gets this size instead (e.g. 32 MiB).</summary>
    public int? HugeGuildBytes { get; set; }

    /// <summary>Only small guilds: fast tests that do not care about large payloads.</summary>
    public static GuildCreateSizeMix SmallOnly() => new() { LargeFraction = 0 };

    internal int Sample(Random random)
    {
        bool large = random.NextDouble() < LargeFraction;
        return large
            ? random.Next(LargeMinBytes, LargeMaxBytes + 1)
            : random.Next(SmallMinBytes, SmallMaxBytes + 1);
    }

    internal void Validate()
    {
        if (LargeFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LargeFraction), LargeFraction, "GuildCreateSizeMix.LargeFraction must be within [0, 1].");
        }

        if (SmallMinBytes < 1 || SmallMaxBytes < SmallMinBytes || SmallMaxBytes == int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(SmallMaxBytes), "GuildCreateSizeMix.SmallMinBytes/SmallMaxBytes must satisfy 1 <= min <= max < int.MaxValue.");
        }

        if (LargeMinBytes < 1 || LargeMaxBytes < LargeMinBytes || LargeMaxBytes == int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(LargeMaxBytes), "GuildCreateSizeMix.LargeMinBytes/LargeMaxBytes must satisfy 1 <= min <= max < int.MaxValue.");
        }

        if (HugeGuildBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HugeGuildBytes), HugeGuildBytes, "GuildCreateSizeMix.HugeGuildBytes must be positive when set.");
        }
    }
}
