namespace Sharder.Grains.Interfaces.Models;

/// <summary>What became of one requested shard move (an admin move or part of a drain).</summary>
public enum ShardMoveOutcome
{
    /// <summary>The shard was asked to migrate; it stops resumably and resumes on the target.</summary>
    Moving = 0,

    /// <summary>The shard already runs on the target; nothing to do.</summary>
    AlreadyThere = 1,

    /// <summary>The shard is not one of the configured shards.</summary>
    UnknownShard = 2,

    /// <summary>The requested target is not an Active silo.</summary>
    TargetNotActive = 3,

    /// <summary>The requested target is drained: it takes no shards.</summary>
    TargetDrained = 4,

    /// <summary>No other Active, undrained silo can take the shard.</summary>
    NoTarget = 5,

    /// <summary>The shard did not answer or could not be asked to move; the supervisor's next pass retries a drain.</summary>
    Failed = 6,
}
