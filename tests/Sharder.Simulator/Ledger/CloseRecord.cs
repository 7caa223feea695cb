namespace Sharder.Simulator.Ledger;

/// <summary>A connection ended. <paramref name="Code"/> is null when no close frame carried one.</summary>
public sealed record CloseRecord(
    long Order,
    DateTimeOffset At,
    long ConnectionId,
    string? SessionId,
    int ShardId,
    bool ByServer,
    int? Code,
    bool CloseFrame);
