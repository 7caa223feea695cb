using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Sink;

/// <summary>Log messages of a shard's Redis output. Event ids and names are part of the telemetry contract.</summary>
internal static partial class SinkLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Error,
        Message = "Shard {ShardId}: Redis refuses its events ({Reason}) since {Since}; they are kept and retried: {Detail}")]
    public static partial void Refused(ILogger logger, int shardId, string reason, DateTimeOffset since, string detail);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information,
        Message = "Shard {ShardId}: Redis takes its events again after {Duration} ({Reason})")]
    public static partial void DeliveringAgain(ILogger logger, int shardId, TimeSpan duration, string reason);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: the checkpoint in Redis did not describe session {SessionId} (lost, rolled back or left by another start); re-synced at the shard's position and marked")]
    public static partial void Resynced(ILogger logger, int shardId, string sessionId);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Error,
        Message = "Shard {ShardId}: {Count} event(s) up to seq {Sequence} could not be written (their list holds another type) and went to the events dead list")]
    public static partial void DeadLettered(ILogger logger, int shardId, int count, long sequence);

}
