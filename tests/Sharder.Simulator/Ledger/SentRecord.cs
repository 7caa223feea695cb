namespace Sharder.Simulator.Ledger;

/// <summary>One send of a sequenced dispatch on a connection (an event can be sent live and later replayed).</summary>
public readonly record struct SentRecord(
    long Order,
    DateTimeOffset At,
    string SessionId,
    long Seq,
    long ConnectionId,
    DeliveryKind Kind);
