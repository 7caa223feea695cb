namespace Sharder.Simulator.Ledger;

/// <summary>A client heartbeat: its <c>d</c> and the highest sequence the server had sent at that moment .</summary>
public readonly record struct HeartbeatRecord(
    long Order,
    DateTimeOffset At,
    long ConnectionId,
    string? SessionId,
    long? ClientSeq,
    long HighestSentSeq);
