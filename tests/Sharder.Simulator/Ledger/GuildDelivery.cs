namespace Sharder.Simulator.Ledger;

/// <summary>
/// What one guild's worker saw (<see cref="GuildDeliveryCheck"/>); <paramref name="GuildId"/> null = DMs.
/// </summary>
/// <param name="Produced">Events the world produced for the guild and sent to at least one session.</param>
/// <param name="Popped">Copies popped (events of the guild the world produced).</param>
/// <param name="Lost">Produced and sent, never popped.</param>
/// <param name="Duplicates">Extra copies that are not allowed (identity-carrying, unmarked, or too many).</param>
/// <param name="OverlapDuplicates">Events without identity popped twice, every copy marked overlap.</param>
/// <param name="MaxGap">Longest span of produce time between consecutive popped events of the guild, in pop order.</param>
/// <param name="BaselineGap">The same over everything produced and sent: the gap a perfect worker would see.</param>
public sealed record GuildDelivery(
    ulong? GuildId, long Produced, long Popped, long Lost, long Duplicates, long OverlapDuplicates, TimeSpan MaxGap, TimeSpan BaselineGap);
