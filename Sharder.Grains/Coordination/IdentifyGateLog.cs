using Microsoft.Extensions.Logging;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// Log messages of a shard waiting at the identify gate (<see cref="CoordinatorIdentifyGate"/>). Event ids
/// and names are part of the telemetry contract: they keep the shard grain's 40xx range they started in.
/// </summary>
internal static partial class IdentifyGateLog
{
    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug,
        Message = "Shard {ShardId} waits {Wait} for its identify slot at {SlotAt} (rate-limit key {RateLimitKey})")]
    public static partial void WaitingForSlot(ILogger logger, int shardId, TimeSpan wait, DateTimeOffset slotAt, int? rateLimitKey);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: identify refused ({Reason}); asking again at {RetryAt}")]
    public static partial void IdentifyRefused(ILogger logger, int shardId, IdentifyRefusalReason reason, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: the identify coordinator could not be asked (attempt {Attempt}); retrying in {Delay}")]
    public static partial void CoordinatorUnreachable(ILogger logger, int shardId, int attempt, TimeSpan delay, Exception exception);
}
