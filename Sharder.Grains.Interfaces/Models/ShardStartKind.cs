namespace Sharder.Grains.Interfaces.Models;

/// <summary>Where a shard activation got the session it started with.</summary>
public enum ShardStartKind
{
    /// <summary>No session to continue: the shard identifies (through the coordinator).</summary>
    Identify = 0,

    /// <summary>The session came from the checkpoint in Redis (the previous activation ended without a hand-off).</summary>
    Checkpoint = 1,

    /// <summary>The session was handed over by the previous activation (a live migration).</summary>
    Migration = 2,
}
