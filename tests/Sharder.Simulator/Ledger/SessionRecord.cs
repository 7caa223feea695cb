namespace Sharder.Simulator.Ledger;

/// <summary>A session lifecycle event; <paramref name="Listener"/> is where the Identify/Resume arrived .</summary>
/// <param name="ServerCloseCode">The close code the server sent when that close ended or detached the session; null otherwise.</param>
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
    bool CausedByInjectedFault,
    int? ServerCloseCode = null);
