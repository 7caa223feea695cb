namespace Sharder.Simulator.Ledger;

/// <summary>
/// An event the world produced and routed to every identified layout (not a session's own READY, GUILD_CREATE
/// burst or RESUMED). The ground truth of the per-guild check across generations.
/// </summary>
public readonly record struct ProducedRecord(long Order, long EventUid, string Type, ulong? GuildId, DateTimeOffset ProducedAt);
