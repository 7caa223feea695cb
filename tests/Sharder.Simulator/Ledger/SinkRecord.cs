namespace Sharder.Simulator.Ledger;

/// <summary>
/// One dispatch the system under test published, in publish order. <paramref name="SessionId"/> and
/// <paramref name="Seq"/> may be null (compat mode); then <paramref name="EventUid"/> identifies the event.
/// </summary>
public sealed record SinkRecord(int ShardId, string? SessionId, long? Seq, string Type, long? EventUid);
