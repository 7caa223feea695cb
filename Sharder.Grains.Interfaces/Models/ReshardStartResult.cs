namespace Sharder.Grains.Interfaces.Models;

/// <summary>The outcome of a request to reshard, with the run (the new one, or the one in the way) and why.</summary>
/// <param name="Outcome">Whether it started.</param>
/// <param name="Run">The started run, or the active one for <see cref="ReshardStartOutcome.AlreadyActive"/>; otherwise null.</param>
/// <param name="Message">For a refusal, what to do about it (for budget: needed, remaining and when it resets).</param>
[GenerateSerializer]
[Immutable]
public sealed record ReshardStartResult(
    [property: Id(0)] ReshardStartOutcome Outcome,
    [property: Id(1)] ReshardRun? Run,
    [property: Id(2)] string? Message);
