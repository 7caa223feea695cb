namespace Sharder.Simulator.Ledger;

/// <summary>Knobs of <see cref="GuildDeliveryCheck"/>.</summary>
public sealed class GuildDeliveryOptions
{
    /// <summary>
    /// Types that carry an identity a reshard cut-over can decide on (the design's event-clock table): each
    /// must be popped exactly once. Every other type may be popped twice when both copies are marked overlap.
    /// </summary>
    public ISet<string> IdentityTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "MESSAGE_CREATE", "INTERACTION_CREATE", "CHANNEL_CREATE", "THREAD_CREATE", "GUILD_ROLE_CREATE", "MESSAGE_UPDATE", "GUILD_MEMBER_ADD",
    };

    /// <summary>Most copies of one event without identity a worker may pop (one per generation).</summary>
    public int MaxOverlapCopies { get; set; } = 2;

    /// <summary>Only gaps that end at or after this produce time count (e.g. the start of a reshard run).</summary>
    public DateTimeOffset? GapFrom { get; set; }

    /// <summary>Only gaps that end at or before this produce time count.</summary>
    public DateTimeOffset? GapTo { get; set; }

    /// <summary>The run's cut-over instant T, when known: violations then say where the event lies relative to it.</summary>
    public DateTimeOffset? Cutover { get; set; }

    /// <summary>Violations listed in the report; the rest are summarised in one line.</summary>
    public int MaxViolationsListed { get; set; } = 200;
}
