namespace Sharder.Grains.Interfaces.Models;

/// <summary>Whether a silo could be drained.</summary>
public enum SiloDrainOutcome
{
    /// <summary>The silo is drained: its shards were asked to move (none, when it had none) and none is placed there.</summary>
    Drained = 0,

    /// <summary>The silo is not Active in membership (unknown, stopping or dead); nothing changed.</summary>
    NotActive = 1,

    /// <summary>No other Active, undrained silo is left to take its shards; nothing changed.</summary>
    NoOtherSilo = 2,
}
