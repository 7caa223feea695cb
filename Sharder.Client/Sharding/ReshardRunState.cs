namespace Sharder.Client.Sharding;

/// <summary>The state of a resharding run as <c>{prefix}:sharding</c> stores it (<c>state</c>; docs/resharding.md).</summary>
public enum ReshardRunState
{
    /// <summary><c>starting</c>: accepted; the new generation is not started yet.</summary>
    Starting,

    /// <summary><c>identifying</c>: the new generation's shards are identifying; the old one publishes.</summary>
    Identifying,

    /// <summary><c>ready</c>: every new shard is ready; the cut-over is being fixed.</summary>
    Ready,

    /// <summary><c>switching</c>: the cut-over instant is fixed; the old generation closes after it.</summary>
    Switching,

    /// <summary><c>completed</c>: the new generation is in service.</summary>
    Completed,

    /// <summary><c>rolled_back</c>: the run was abandoned; the old generation stays in service.</summary>
    RolledBack,
}
