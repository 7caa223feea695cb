namespace Sharder.Simulator.Ledger;

/// <summary>An event produced while its shard had no session, with the reason.</summary>
public readonly record struct UndeliverableRecord(
    long Order,
    DateTimeOffset At,
    long AppId,
    int ShardId,
    int NumShards,
    string Type,
    long EventUid,
    ulong? GuildId,
    DateTimeOffset ProducedAt,
    string Reason);
