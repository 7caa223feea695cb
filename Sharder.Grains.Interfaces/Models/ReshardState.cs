namespace Sharder.Grains.Interfaces.Models;

/// <summary>Where a resharding run is (docs/resharding.md).</summary>
public enum ReshardState
{
    /// <summary>Accepted and persisted; the new generation is not started yet.</summary>
    Starting,

    /// <summary>The new generation's shards are identifying through the coordinator; the old one publishes.</summary>
    Identifying,

    /// <summary>Every new shard is READY and has its guilds; the cut-over is being fixed.</summary>
    Ready,

    /// <summary>The cut-over instant is fixed and sent to both generations; the old one closes after it.</summary>
    Switching,

    /// <summary>The new generation is in service; the old one is closed and its checkpoints retired.</summary>
    Completed,

    /// <summary>The run was abandoned (not ready in time, or cancelled); the old generation stays in service.</summary>
    RolledBack,
}
