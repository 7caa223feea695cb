namespace Sharder.Simulator.Ledger;

/// <summary>A dispatch that got sequence <paramref name="Seq"/> in a session. <paramref name="Order"/> orders all ledger records.</summary>
public readonly record struct RoutedRecord(
    long Order,
    DateTimeOffset At,
    long AppId,
    string SessionId,
    int ShardId,
    int NumShards,
    long Seq,
    string Type,
    long EventUid,
    ulong? GuildId,
    DateTimeOffset ProducedAt);
