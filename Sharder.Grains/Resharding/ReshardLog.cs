using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Resharding;

/// <summary>Log messages of resharding runs. Event ids and names are part of the telemetry contract.</summary>
internal static partial class ReshardLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Resharding run {RunId} started: {From} → {To} shards ({Reason})")]
    public static partial void Started(ILogger logger, string runId, int from, int to, string reason);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "Resharding {From} → {To} refused: it needs {Needed} session starts and {Remaining} remain")]
    public static partial void RefusedForBudget(ILogger logger, int from, int to, int needed, int remaining);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Resharding run {RunId} continues from state {State}")]
    public static partial void Resumed(ILogger logger, string runId, Interfaces.Models.ReshardState state);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information,
        Message = "Resharding run {RunId}: every new shard is ready; cut-over at {Cutover:O}, overlap window {Window}")]
    public static partial void CutoverFixed(ILogger logger, string runId, DateTimeOffset cutover, TimeSpan window);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information,
        Message = "Resharding run {RunId} completed: {To} shards in service (was {From}) after {Duration}")]
    public static partial void Completed(ILogger logger, string runId, int from, int to, TimeSpan duration);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning,
        Message = "Resharding run {RunId} ({From} → {To}) rolled back: {Why}; the old generation stays in service")]
    public static partial void RolledBack(ILogger logger, string runId, int from, int to, string why);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "A resharding step failed; the next tick retries it")]
    public static partial void StepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Information,
        Message = "DISCORD_SHARD_TOTAL changed to {Total}: resharding run {Outcome} {Message}")]
    public static partial void ConfigurationRun(ILogger logger, int total, Interfaces.Models.ReshardStartOutcome outcome, string? message);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning,
        Message = "{Stored} shards are in service (stored in Redis after a resharding run); DISCORD_SHARD_TOTAL / Sharding:ShardTotal says {Configured} and is ignored until it changes")]
    public static partial void StoredTotalWins(ILogger logger, int stored, int configured);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Warning,
        Message = "Shard {ShardId} was closed with 4011 (sharding required); automatic resharding (Reshard:Auto) is {Auto}")]
    public static partial void ShardingRequired(ILogger logger, int shardId, bool auto);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information,
        Message = "Automatic resharding {From} → {To} (recommended by /gateway/bot): {Outcome} {Message}")]
    public static partial void AutoRun(ILogger logger, int from, int to, Interfaces.Models.ReshardStartOutcome outcome, string? message);
}
