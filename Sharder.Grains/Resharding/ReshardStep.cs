using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Resharding;

/// <summary>One decision of <see cref="ReshardRunMachine"/>, for the supervisor to carry out.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Run">The run the step acts on, as it is once <see cref="Saves"/> are persisted; null for <see cref="ReshardStepKind.Stop"/> and <see cref="ReshardStepKind.None"/>.</param>
internal sealed record ReshardStep(ReshardStepKind Kind, ReshardRun? Run)
{
    /// <summary>Runs to persist, in order, before acting (each one is a state the run passes through).</summary>
    public IReadOnlyList<ReshardRun> Saves { get; init; } = [];

    /// <summary>For <see cref="ReshardStepKind.RollBack"/>: why the run is abandoned.</summary>
    public string? Why { get; init; }

    /// <summary>Nothing to do.</summary>
    public static ReshardStep None { get; } = new(ReshardStepKind.None, null);

    /// <summary>No active run.</summary>
    public static ReshardStep Stop { get; } = new(ReshardStepKind.Stop, null);
}
