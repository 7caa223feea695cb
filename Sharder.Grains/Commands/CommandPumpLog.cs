using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Commands;

/// <summary>
/// Every log message of the command pump. Event ids and method names become telemetry names: do not
/// renumber or rename them once released. No message carries a command payload (a worker could push
/// anything, an IDENTIFY with a token included).
/// </summary>
internal static partial class CommandPumpLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Command pump connected to Redis at {Endpoint} (client id {ClientId})")]
    public static partial void Connected(ILogger logger, RespEndpoint endpoint, long clientId);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Command pump lost or could not open its Redis connection to {Endpoint} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ConnectionFailed(ILogger logger, RespEndpoint endpoint, int attempt, TimeSpan delay, Exception exception);

    // 3102 (DeliveryFailed) and 3105 (UnroutableCommandDropped) were retired with awaited delivery; do not reuse.

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug,
        Message = "Shard {ShardId} could not take a command now ({Result}); it went back to {Key}, whose list pauses briefly")]
    public static partial void CommandReturned(ILogger logger, int shardId, string key, CommandEnqueueResult result);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug,
        Message = "Guild-routed command for shard {ShardId}, hosted elsewhere, forwarded to {Key}")]
    public static partial void CommandForwarded(ILogger logger, int shardId, string key);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "CLIENT UNBLOCK failed; a change of hosted shards takes effect within the BLPOP timeout {BlockTimeout} instead")]
    public static partial void UnblockFailed(ILogger logger, TimeSpan blockTimeout, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error,
        Message = "Command pump stopped with {Count} command(s) it could not put back into Redis; they are lost")]
    public static partial void PendingCommandsLost(ILogger logger, int count, Exception? exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Debug,
        Message = "Command pump now takes commands for shard {ShardId} of {ShardCount}")]
    public static partial void ShardHosted(ILogger logger, int shardId, int shardCount);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Debug,
        Message = "Command pump no longer takes commands for shard {ShardId}")]
    public static partial void ShardReleased(ILogger logger, int shardId);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning,
        Message = "Command of {Length} bytes from {List} (shard {ShardId}) was not sent: {Reason}, {Detail}. It is on {DeadList}. "
            + "{Suppressed} more with this reason were not logged since the last line")]
    public static partial void CommandDeadLettered(
        ILogger logger, CommandRejectReason reason, string detail, int length, string list, int? shardId, string deadList, int suppressed);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Information,
        Message = "Putting {Count} unsent command(s) of shard {ShardId} back at the head of its list for its next host")]
    public static partial void UnsentCommandsReturned(ILogger logger, int count, int shardId);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning,
        Message = "Shard {ShardId} threw while taking a command; it goes back to its list")]
    public static partial void EnqueueFailed(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning,
        Message = "The stuck command list sweep failed; it runs again shortly")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
