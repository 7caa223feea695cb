using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Supervision;

/// <summary>Log messages of the supervisor and the membership watcher. Event ids and names are part of the telemetry contract.</summary>
internal static partial class SupervisionLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Shard {ShardId} could not be activated")]
    public static partial void EnsureFailed(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Rebalancing: {Moves} move(s) over {Silos} active silo(s)")]
    public static partial void Rebalancing(ILogger logger, int moves, int silos);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Moving shard {ShardId} from {FromSilo} to {ToSilo}")]
    public static partial void Moving(ILogger logger, int shardId, string? fromSilo, string toSilo);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Shard {ShardId} could not be moved or asked for its status")]
    public static partial void ShardCallFailed(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The shard list could not be resolved")]
    public static partial void SelectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Silo {Silo} drained: its shards move away and none is placed there")]
    public static partial void Draining(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Membership changed: {Silo} is {Status}")]
    public static partial void MembershipChanged(ILogger logger, SiloAddress silo, SiloStatus status);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "The supervisor could not be called after a membership change")]
    public static partial void SupervisorCallFailed(ILogger logger, Exception exception);
}
