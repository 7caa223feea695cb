namespace Sharder.Simulator.Ledger;

/// <summary>An immutable copy of everything a <see cref="GatewayLedger"/> recorded, each list in recording order.</summary>
public sealed class LedgerSnapshot
{
    public LedgerSnapshot(
        DateTimeOffset takenAt,
        IReadOnlyList<RoutedRecord> routed,
        IReadOnlyList<SentRecord> sent,
        IReadOnlyList<UndeliverableRecord> undeliverable,
        IReadOnlyList<SessionRecord> sessions,
        IReadOnlyList<HeartbeatRecord> heartbeats,
        IReadOnlyList<CloseRecord> closes,
        IReadOnlyList<IdentifyViolationRecord> identifyViolations,
        IReadOnlyList<CommandPeakRecord> commandPeaks,
        IReadOnlyList<ProducedRecord>? produced = null)
    {
        Produced = produced ?? [];
        TakenAt = takenAt;
        Routed = routed;
        Sent = sent;
        Undeliverable = undeliverable;
        Sessions = sessions;
        Heartbeats = heartbeats;
        Closes = closes;
        IdentifyViolations = identifyViolations;
        CommandPeaks = commandPeaks;
    }

    public DateTimeOffset TakenAt { get; }

    /// <summary>Events the world produced (through the router), in production order.</summary>
    public IReadOnlyList<ProducedRecord> Produced { get; }

    public IReadOnlyList<RoutedRecord> Routed { get; }

    public IReadOnlyList<SentRecord> Sent { get; }

    public IReadOnlyList<UndeliverableRecord> Undeliverable { get; }

    public IReadOnlyList<SessionRecord> Sessions { get; }

    public IReadOnlyList<HeartbeatRecord> Heartbeats { get; }

    public IReadOnlyList<CloseRecord> Closes { get; }

    public IReadOnlyList<IdentifyViolationRecord> IdentifyViolations { get; }

    public IReadOnlyList<CommandPeakRecord> CommandPeaks { get; }
}
