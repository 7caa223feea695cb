namespace Sharder.Bench.Gateway.Generation;

/// <summary>Builds Discord snowflake ids: milliseconds since the Discord epoch in the top 42 bits.</summary>
internal static class Snowflake
{
    /// <summary>2015-01-01T00:00:00Z in Unix milliseconds.</summary>
    public const long DiscordEpochUnixMs = 1_420_070_400_000;

    public static ulong Create(long unixMs, int worker, int process, int increment) =>
        ((ulong)(unixMs - DiscordEpochUnixMs) << 22)
        | ((uint)(worker & 0x1F) << 17)
        | ((uint)(process & 0x1F) << 12)
        | (uint)(increment & 0xFFF);
}
