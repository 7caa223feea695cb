namespace Sharder.Grains.Interfaces.Models;

/// <summary>One requested shard move and what became of it.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="From">Where it ran when asked; null when it was not running or did not answer.</param>
/// <param name="To">Where it was sent (or already runs); null when no target was found.</param>
/// <param name="Outcome">Whether the move started, and why not.</param>
[GenerateSerializer]
[Immutable]
public sealed record ShardMoveResult(
    [property: Id(0)] int ShardId,
    [property: Id(1)] SiloAddress? From,
    [property: Id(2)] SiloAddress? To,
    [property: Id(3)] ShardMoveOutcome Outcome);
