namespace Sharder.Grains.Interfaces.Models;

/// <summary>The answer to a request to start a resharding run.</summary>
public enum ReshardStartOutcome
{
    /// <summary>The run was accepted and started.</summary>
    Started,

    /// <summary>The session-start budget cannot pay for the new generation and the reserve; nothing changed.</summary>
    InsufficientBudget,

    /// <summary>Another run is active.</summary>
    AlreadyActive,

    /// <summary>This cluster runs only part of the bot's shards (Sharding:Start/Until); resharding needs all.</summary>
    NotWholeBot,

    /// <summary>The requested total is not valid (below 1, or the total already in service).</summary>
    InvalidTotal,
}
