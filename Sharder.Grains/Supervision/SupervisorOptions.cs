using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Supervision;

/// <summary>How the shard supervisor keeps shards running and balanced. Bound from the section <c>Supervisor</c>.</summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class SupervisorOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Supervisor";

    /// <summary>Default for <see cref="EnsureInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_ENSURE_INTERVAL = TimeSpan.FromSeconds(5);

    /// <summary>Default for <see cref="RebalanceDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_REBALANCE_DELAY = TimeSpan.FromSeconds(3);

    /// <summary>Default for <see cref="MaxConcurrentActivations"/>.</summary>
    public const int DEFAULT_MAX_CONCURRENT_ACTIVATIONS = 16;

    /// <summary>How often the supervisor re-ensures every shard (the safety net behind membership events). Default 5 s.</summary>
    public TimeSpan EnsureInterval { get; set; } = DEFAULT_ENSURE_INTERVAL;

    /// <summary>Quiet time after the last silo joined before shards are rebalanced (debounce). Default 3 s.</summary>
    public TimeSpan RebalanceDelay { get; set; } = DEFAULT_REBALANCE_DELAY;

    /// <summary>Shard activations the supervisor awaits at once. Default 16.</summary>
    public int MaxConcurrentActivations { get; set; } = DEFAULT_MAX_CONCURRENT_ACTIVATIONS;

    /// <summary>
    /// Whether membership changes (and a silo starting) make the supervisor ensure every shard. Default true;
    /// false leaves starting the shards to an explicit <c>EnsureShardsAsync</c> call (then the timer keeps them up).
    /// </summary>
    public bool EnsureOnMembershipChange { get; set; } = true;

    /// <summary>Whether a silo joining triggers a rebalance. Default true.</summary>
    public bool RebalanceOnJoin { get; set; } = true;
}
