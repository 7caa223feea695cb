namespace Sharder.Simulator.Ledger;

/// <summary>
/// One event a worker popped, in pop order, for <see cref="GuildDeliveryCheck"/>: the simulator's uid (from
/// <c>d.x_sim_uid</c>), the type, the guild and whether the envelope carried <c>"overlap":true</c>.
/// </summary>
public sealed record PoppedEvent(long EventUid, string Type, ulong? GuildId, bool Overlap);
