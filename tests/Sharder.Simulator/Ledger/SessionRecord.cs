namespace Sharder.Simulator.Ledger;

/// <summary>A session lifecycle event; <paramref name="Listener"/> is where the Identify/Resume arrived .</summary>
public sealed record SessionRecord(
    long Order,
    DateTimeOffset At,
    SessionEventKind Kind,
    long AppId,
    int ShardId,
    int NumShards,
    string? SessionId,
    long ConnectionId,
    string Listener,
    string Detail,
    bool CausedByInjectedFault);
