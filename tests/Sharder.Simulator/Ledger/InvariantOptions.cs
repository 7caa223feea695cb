namespace Sharder.Simulator.Ledger;

/// <summary>Knobs of <see cref="InvariantChecker"/> (R-10.3).</summary>
public sealed class InvariantOptions
{
    /// <summary>
    /// Dispatch types the system under test deliberately does not publish (e.g. READY, RESUMED). They are not
    /// required for completeness and are ignored when published. Empty by default.
    /// </summary>
    public ISet<string> ExcludedTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How far a heartbeat's <c>d</c> may trail the highest sequence sent on its connection.</summary>
    public int HeartbeatRaceAllowance { get; set; } = 1;

    /// <summary>Check invariant 4: a resumable disconnect must be followed by a Resume, not an Identify.</summary>
    public bool RequireResumeWhenPossible { get; set; } = true;

    /// <summary>Events produced before a shard's first session are allowed to be undeliverable.</summary>
    public bool AllowLossBeforeFirstSession { get; set; } = true;

    /// <summary>When false (default), every identify-concurrency violation is an invariant violation.</summary>
    public bool AllowIdentifyViolations { get; set; }

    /// <summary>
    /// Name of the bootstrap listener. When set, every Resume must arrive elsewhere and every Identify on it,
    /// except an Identify on a connection that just had its Resume rejected.
    /// </summary>
    public string? BootstrapListener { get; set; }

    /// <summary>Violations listed in the report; the rest are summarised in one line.</summary>
    public int MaxViolationsListed { get; set; } = 500;
}
