namespace Sharder.Simulator.Events;

/// <summary>Relative weights of generated event types; weights need not sum to 1.</summary>
public sealed class EventMix
{
    public double MessageCreate { get; set; } = 0.6;

    public double PresenceUpdate { get; set; } = 0.3;

    public double TypingStart { get; set; } = 0.1;

    public double MessageReactionAdd { get; set; }

    /// <summary>MESSAGE_UPDATE of an earlier guild message (<c>edited_timestamp</c> = now).</summary>
    public double MessageUpdate { get; set; }

    /// <summary>GUILD_MEMBER_ADD (privileged GUILD_MEMBERS intent; <c>joined_at</c> = now).</summary>
    public double GuildMemberAdd { get; set; }

    /// <summary>
    /// GUILD_CREATE of a random guild ("guild became available"), rendered for a session with every intent
    /// and large_threshold 250, so it is not trimmed per session.
    /// </summary>
    public double GuildCreate { get; set; }

    /// <summary>Share of MESSAGE_CREATE, TYPING_START and MESSAGE_REACTION_ADD that are DMs (no guild, shard 0).</summary>
    public double DmFraction { get; set; }

    /// <summary>Approximate size of a MESSAGE_CREATE <c>d</c>.</summary>
    public int MessageBytes { get; set; } = 1024;

    internal EventKind Pick(double roll)
    {
        double total = MessageCreate + PresenceUpdate + TypingStart + MessageReactionAdd + MessageUpdate + GuildMemberAdd + GuildCreate;
        double point = roll * total;
        if ((point -= MessageCreate) < 0)
        {
            return EventKind.MessageCreate;
        }

        if ((point -= PresenceUpdate) < 0)
        {
            return EventKind.PresenceUpdate;
        }

        if ((point -= TypingStart) < 0)
        {
            return EventKind.TypingStart;
        }

        if ((point -= MessageReactionAdd) < 0)
        {
            return EventKind.MessageReactionAdd;
        }

        if ((point -= MessageUpdate) < 0)
        {
            return EventKind.MessageUpdate;
        }

        if ((point -= GuildMemberAdd) < 0)
        {
            return EventKind.GuildMemberAdd;
        }

        return GuildCreate > 0 ? EventKind.GuildCreate : EventKind.MessageCreate;
    }

    internal void Validate()
    {
        double[] weights = [MessageCreate, PresenceUpdate, TypingStart, MessageReactionAdd, MessageUpdate, GuildMemberAdd, GuildCreate];
        if (weights.Any(w => w < 0 || double.IsNaN(w) || double.IsInfinity(w)) || weights.Sum() <= 0)
        {
            throw new ArgumentException("EventMix weights must be finite, non-negative and not all zero.");
        }

        if (DmFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DmFraction), DmFraction, "EventMix.DmFraction must be within [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MessageBytes, 1, nameof(MessageBytes));
    }

    internal enum EventKind
    {
        MessageCreate,
        PresenceUpdate,
        TypingStart,
        MessageReactionAdd,
        MessageUpdate,
        GuildMemberAdd,
        GuildCreate,
    }
}
