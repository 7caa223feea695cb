using System.Collections.Immutable;

namespace Sharder.Grains.Interfaces.Models;

/// <summary>The answer to a drain: whether the silo is drained and the moves it started.</summary>
/// <param name="Silo">The silo asked about.</param>
/// <param name="Outcome">Whether it is drained now.</param>
/// <param name="Moves">The shards that ran there and where each was sent, by shard id; empty when none ran there.</param>
[GenerateSerializer]
[Immutable]
public sealed record SiloDrainResult(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] SiloDrainOutcome Outcome,
    [property: Id(2)] ImmutableArray<ShardMoveResult> Moves);
