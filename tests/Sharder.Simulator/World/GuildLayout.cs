namespace Sharder.Simulator.World;

/// <summary>
/// Turns a target GUILD_CREATE size into member and channel counts, so payloads are padded with real
/// members and channels. The per-item sizes are measured from EventFactory's templates (a member counts
/// with its presence; the base includes the guild header minus one member); a size test keeps them honest.
/// </summary>
internal static class GuildLayout
{
    internal const int BaseBytes = 1_470;
    internal const int BytesPerChannel = 216;
    internal const int BytesPerSentMember = 537;
    internal const int MaxChannels = 500;

    /// <summary>Above this member_count GUILD_CREATE carries only the bot (GP §4.3).</summary>
    internal const int MaxMembersSentInGuildCreate = 75_000;

    /// <summary>At or below this count a guild is never large (large_threshold is 50..250).</summary>
    internal const int NeverLargeMemberCount = 50;

    /// <summary>Above every allowed large_threshold, so a large guild is large for every session.</summary>
    internal const int AlwaysLargeMemberCount = 251;

    internal static GuildShape Plan(int targetBytes, int? memberCount)
    {
        int channels = Math.Clamp(targetBytes / 10 / BytesPerChannel, 1, MaxChannels);
        long room = (long)targetBytes - BaseBytes - ((long)channels * BytesPerChannel);
        int sent = (int)Math.Clamp(room / BytesPerSentMember, 1, MaxMembersSentInGuildCreate);

        int members;
        int online;
        if (memberCount is { } requested)
        {
            members = Math.Max(1, requested);
            online = Math.Min(sent, members);
        }
        else if (sent <= NeverLargeMemberCount)
        {
            members = sent;
            online = sent;
        }
        else
        {
            members = Math.Clamp(2 * sent, AlwaysLargeMemberCount, MaxMembersSentInGuildCreate);
            online = sent;
        }

        int sentWithPresences = members > MaxMembersSentInGuildCreate ? 1
            : members <= NeverLargeMemberCount ? members
            : online;
        int estimate = (int)Math.Min(int.MaxValue, BaseBytes + ((long)channels * BytesPerChannel) + ((long)sentWithPresences * BytesPerSentMember));
        return new GuildShape(members, online, channels, estimate);
    }

    internal readonly record struct GuildShape(int MemberCount, int OnlineMemberCount, int ChannelCount, int EstimatedBytes);
}
