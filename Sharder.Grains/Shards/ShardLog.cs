using Microsoft.Extensions.Logging;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Shards;

/// <summary>Log messages of the shard grain. Event ids and names are part of the telemetry contract.</summary>
internal static partial class ShardLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Shard {ShardId} activated on {Silo} with epoch {Epoch} ({StartKind}, session {SessionId} after seq {Sequence})")]
    public static partial void Activated(
        ILogger logger, int shardId, SiloAddress silo, long epoch, ShardStartKind startKind, string? sessionId, long sequence);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Shard {ShardId} deactivating ({Reason}); migrating: {Migrating}; handing over session {SessionId} at seq {Sequence}")]
    public static partial void Deactivating(
        ILogger logger, int shardId, DeactivationReason reason, bool migrating, string? sessionId, long? sequence);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: epoch {Epoch} was superseded by a newer activation; stopping this one")]
    public static partial void Fenced(ILogger logger, int shardId, long epoch);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information,
        Message = "Shard {ShardId} rehydrated session {SessionId} at seq {Sequence}; hand-off gap {Gap}")]
    public static partial void Rehydrated(ILogger logger, int shardId, string sessionId, long sequence, TimeSpan gap);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Shard {ShardId} asked to move to {Target}")]
    public static partial void MoveRequested(ILogger logger, int shardId, SiloAddress target);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error,
        Message = "Shard {ShardId} closed fatally: {Reason}")]
    public static partial void FatallyClosed(ILogger logger, int shardId, string reason);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Warning,
        Message = "Shard {ShardId} ignores its stored session ({Source}): {Problem}; it identifies a new session")]
    public static partial void StoredSessionIgnored(ILogger logger, int shardId, string source, string problem);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Information,
        Message = "Shard {Shard} retired by resharding (closed 1000) after publishing up to sequence {LastSequence}")]
    public static partial void Retired(ILogger logger, Interfaces.Models.ShardRef shard, long lastSequence);
}
