using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Resharding;

/// <summary>How a resharding run switches generations (docs/resharding.md). Bound from the section <c>Reshard</c>.</summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class ReshardOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Reshard";

    /// <summary>Default for <see cref="CutoverLead"/>.</summary>
    public static readonly TimeSpan DEFAULT_CUTOVER_LEAD = TimeSpan.FromSeconds(3);

    /// <summary>Default for <see cref="OverlapWindow"/>.</summary>
    public static readonly TimeSpan DEFAULT_OVERLAP_WINDOW = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="DrainLag"/>.</summary>
    public static readonly TimeSpan DEFAULT_DRAIN_LAG = TimeSpan.FromSeconds(2);

    /// <summary>Default for <see cref="ReadyTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_READY_TIMEOUT = TimeSpan.FromMinutes(15);

    /// <summary>Default for <see cref="GuildTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_GUILD_TIMEOUT = TimeSpan.FromSeconds(30);

    /// <summary>Default for <see cref="PollInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_POLL_INTERVAL = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="AutoCheckInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_AUTO_CHECK_INTERVAL = TimeSpan.FromHours(1);

    /// <summary>How far ahead of "every new shard is ready" the cut-over instant T is set, so both generations learn it before it passes. At least 2 × <see cref="OverlapWindow"/>: the old generation marks
    /// overlap from T − 2W, and what it publishes before it knows T goes unmarked. Default 3 s.</summary>
    public TimeSpan CutoverLead { get; set; } = DEFAULT_CUTOVER_LEAD;

    /// <summary>
    /// W: events without an identity received within W of T may be published by both generations; both copies are
    /// marked overlap while the two sessions receive an event less than W apart. Default 1 s.
    /// </summary>
    public TimeSpan OverlapWindow { get; set; } = DEFAULT_OVERLAP_WINDOW;

    /// <summary>The old generation stays connected until T + W + this, to receive every event created before T. Default 2 s.</summary>
    public TimeSpan DrainLag { get; set; } = DEFAULT_DRAIN_LAG;

    /// <summary>A run whose new generation is not ready within this after it started rolls back. Default 15 min.</summary>
    public TimeSpan ReadyTimeout { get; set; } = DEFAULT_READY_TIMEOUT;

    /// <summary>After READY, guilds still without a GUILD_CREATE count as received after this (unavailable guilds). Default 30 s.</summary>
    public TimeSpan GuildTimeout { get; set; } = DEFAULT_GUILD_TIMEOUT;

    /// <summary>How often the supervisor advances an active run. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = DEFAULT_POLL_INTERVAL;

    /// <summary>Session starts that must remain beyond the new shards before a run starts; null: 10 % of the new total, at least 1.</summary>
    public int? SessionStartReserve { get; set; }

    /// <summary>
    /// Whether the supervisor starts runs by itself when <c>/gateway/bot</c> recommends more shards than run (checked every
    /// <see cref="AutoCheckInterval"/> and when a shard is closed with 4011). Default false.
    /// </summary>
    public bool Auto { get; set; }

    /// <summary>How often the automatic trigger reads <c>/gateway/bot</c>. Default 1 h.</summary>
    public TimeSpan AutoCheckInterval { get; set; } = DEFAULT_AUTO_CHECK_INTERVAL;

    /// <summary>The reserve for a run to <paramref name="newTotal"/> shards.</summary>
    public int ReserveFor(int newTotal) => SessionStartReserve ?? Math.Max(1, (int)Math.Ceiling(newTotal * 0.1));
}
