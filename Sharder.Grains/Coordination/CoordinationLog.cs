using Microsoft.Extensions.Logging;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// Log messages of the identify coordinator. Event ids and method names are part of the telemetry
/// contract: do not renumber or rename them.
/// </summary>
internal static partial class CoordinationLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "GET /gateway/bot was rate limited; retrying once after {RetryAfter}")]
    public static partial void GatewayBotRateLimited(ILogger logger, TimeSpan retryAfter);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Session-start budget: {Remaining} of {Total} left (reserve {Reserve}), resets at {ResetAt}, max_concurrency {MaxConcurrency}")]
    public static partial void BudgetRefreshed(
        ILogger logger, int remaining, int total, int reserve, DateTimeOffset? resetAt, int maxConcurrency);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Identify refused for shard {ShardId} ({Reason}): {Remaining} session starts left, reserve {Reserve}, budget resets at {ResetAt}; the shard asks again at {RetryAt}")]
    public static partial void IdentifyRefused(
        ILogger logger, int shardId, IdentifyRefusalReason reason, int remaining, int reserve, DateTimeOffset? resetAt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug,
        Message = "Identify slot for shard {ShardId} on rate-limit key {RateLimitKey} at {SlotAt}")]
    public static partial void IdentifyGranted(ILogger logger, int shardId, int rateLimitKey, DateTimeOffset slotAt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Could not refresh /gateway/bot; identify requests are refused until it succeeds")]
    public static partial void GatewayInfoRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information,
        Message = "Shard {ShardId} did not use its identify slot at {UnusedSlot} (it missed it, or moved to another silo); it is not charged again")]
    public static partial void SlotUnused(ILogger logger, int shardId, DateTimeOffset unusedSlot);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug,
        Message = "The identify ledger {LedgerKey} was changed by another coordinator between read and write; deciding again on the newer ledger")]
    public static partial void LedgerChangedConcurrently(ILogger logger, string ledgerKey);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information,
        Message = "Shard {ShardId}'s Identify on slot {SlotAt} never reached READY; still pending: {Pending} (a pending one stays charged until the next /gateway/bot refresh settles it)")]
    public static partial void IdentifyFailedReported(ILogger logger, int shardId, DateTimeOffset slotAt, bool pending);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning,
        Message = "Shard {ShardId} could not report a failed Identify to the coordinator; the next regular /gateway/bot refresh settles it")]
    public static partial void IdentifyFailureNotReported(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error,
        Message = "The identify ledger {LedgerKey} in Redis is unreadable ({Problem}); it is replaced, the budget is read from /gateway/bot again, and slots granted by it are forgotten (one identify window may see an op 9)")]
    public static partial void LedgerUnreadable(ILogger logger, string ledgerKey, string problem);
}
