namespace Sharder.Grains.Resharding;

/// <summary>What the supervisor does next for a resharding run (<see cref="ReshardRunMachine"/>).</summary>
internal enum ReshardStepKind
{
    /// <summary>Nothing this time: a cancel that comes too late, an activation with no run to pick up, a switch without T.</summary>
    None,

    /// <summary>No run is active: stop advancing.</summary>
    Stop,

    /// <summary>Persist the run as identifying and start the new generation.</summary>
    StartNewGeneration,

    /// <summary>Keep the new generation running and ask each of its shards how far it is; then <see cref="ReshardRunMachine.AfterNewGeneration"/>.</summary>
    ObserveNewGeneration,

    /// <summary>Not every new shard is ready yet: ask again next tick.</summary>
    WaitForNewGeneration,

    /// <summary>Persist the run as ready, then as switching with T fixed; send T to both generations.</summary>
    FixCutover,

    /// <summary>Before the old generation closes: send T again (covers a missed call) and keep the new generation running.</summary>
    HoldSwitch,

    /// <summary>Ask the old generation's shards whether they caught up; then <see cref="ReshardRunMachine.AfterOldGeneration"/>.</summary>
    ObserveOldGeneration,

    /// <summary>Close the old generation, publish the <c>resharded</c> marker, persist the run as completed, promote the new generation.</summary>
    Complete,

    /// <summary>Close the new generation, publish the <c>reshard_rolled_back</c> marker, persist the run as rolled back.</summary>
    RollBack,

    /// <summary>On activation: an active run continues where it was.</summary>
    Resume,

    /// <summary>On activation: a run that completed lately makes sure its generation took over the commands.</summary>
    Promote,
}
