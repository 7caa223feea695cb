namespace Sharder.Grains.Interfaces.Models;

/// <summary>One shard's side of a resharding run, as the supervisor polls it.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="IsReady">READY received and every guild of its READY has had its GUILD_CREATE (or GUILD_DELETE, or the guild timeout passed).</param>
/// <param name="PendingGuilds">Guilds of its READY still without a GUILD_CREATE.</param>
/// <param name="FirstPublishedSequence">The first sequence this activation published; -1 before any.</param>
/// <param name="LastPublishedSequence">The last sequence this activation published; -1 before any.</param>
/// <param name="Withheld">Events left to the other generation (handled, not pushed).</param>
/// <param name="Overlapping">Events pushed marked overlap.</param>
[GenerateSerializer]
[Immutable]
public sealed record ShardReshardProgress(
    [property: Id(0)] ShardRef Shard,
    [property: Id(1)] bool IsReady,
    [property: Id(2)] int PendingGuilds,
    [property: Id(3)] long FirstPublishedSequence,
    [property: Id(4)] long LastPublishedSequence,
    [property: Id(5)] long Withheld,
    [property: Id(6)] long Overlapping);
