namespace Sharder.Simulator.World;

/// <summary>
/// Deterministic ids derived from a guild id. Each kind uses its own worker bits, and a guild's ids sit
/// right after its creation time, so ids never collide across guilds or kinds.
/// </summary>
internal static class SimIds
{
    private const int GuildWorker = 0;
    private const int UserWorker = 1;
    private const int ChannelWorker = 2;
    private const int DmChannelWorker = 3;
    private const int IncrementBits = 12;
    private const int IncrementMask = (1 << IncrementBits) - 1;
    private const int WorkerShift = 17;
    private const ulong WorkerMask = 31UL << WorkerShift;

    internal static ulong Guild(ulong msSinceEpoch, int process, int increment) =>
        Snowflake.FromParts(msSinceEpoch, GuildWorker, process, increment);

    /// <summary>User id of member <paramref name="memberIndex"/>; member 0 is the bot.</summary>
    internal static ulong MemberUser(ulong guildId, int memberIndex, ulong botUserId) =>
        memberIndex == 0 ? botUserId : Derived(guildId, memberIndex, UserWorker);

    internal static ulong Channel(ulong guildId, int channelIndex) => Derived(guildId, channelIndex, ChannelWorker);

    internal static ulong DmChannel(ulong userId) => (userId & ~WorkerMask) | ((ulong)DmChannelWorker << WorkerShift);

    private static ulong Derived(ulong guildId, int index, int worker)
    {
        ulong ms = Snowflake.MillisecondsSinceEpoch(guildId) + 1 + (ulong)(index >> IncrementBits);
        return Snowflake.FromParts(ms, worker, Snowflake.ProcessOf(guildId), index & IncrementMask);
    }
}
