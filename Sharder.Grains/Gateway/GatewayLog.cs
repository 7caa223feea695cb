using Microsoft.Extensions.Logging;
using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Every log message of the gateway client. Event ids and method names become telemetry names: do not
/// renumber or rename them once released. Every message carries the shard id; none carries the token
/// or a payload.
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Shard {ShardId} connecting to {Url} to {Purpose}")]
    public static partial void Connecting(ILogger logger, int shardId, Uri url, string purpose);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Shard {ShardId} could not connect to {Url}")]
    public static partial void ConnectFailed(ILogger logger, int shardId, Uri url, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug,
        Message = "Shard {ShardId} received Hello; heartbeat interval {HeartbeatIntervalMs} ms")]
    public static partial void HelloReceived(ILogger logger, int shardId, double heartbeatIntervalMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Shard {ShardId} received no Hello within {Timeout}")]
    public static partial void HelloTimedOut(ILogger logger, int shardId, TimeSpan timeout);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Shard {ShardId} identifying (shard count {ShardCount}, rate-limit key {RateLimitKey}, sent {SentAfterSlotMs} ms after its slot)")]
    public static partial void Identifying(ILogger logger, int shardId, int shardCount, int rateLimitKey, double sentAfterSlotMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "Shard {ShardId} resuming session {SessionId} after sequence {Sequence}")]
    public static partial void Resuming(ILogger logger, int shardId, string sessionId, long sequence);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "Shard {ShardId} is ready: new session {SessionId}")]
    public static partial void SessionReady(ILogger logger, int shardId, string sessionId);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information,
        Message = "Shard {ShardId} resumed session {SessionId}")]
    public static partial void SessionResumed(ILogger logger, int shardId, string sessionId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information,
        Message = "Shard {ShardId} disconnected ({Initiator}, code {CloseCode}, {Cause}: {Detail}); next: {Action}")]
    public static partial void Disconnected(
        ILogger logger, int shardId, CloseInitiator initiator, int? closeCode, ReconnectCause? cause, string detail, CloseAction action);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning,
        Message = "Shard {ShardId} got no heartbeat ACK since its last heartbeat; closing the zombie connection to resume")]
    public static partial void ZombieConnection(ILogger logger, int shardId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "Shard {ShardId} received Invalid Session (resumable: {Resumable})")]
    public static partial void InvalidSession(ILogger logger, int shardId, bool resumable);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information,
        Message = "Shard {ShardId} was asked to reconnect (op 7)")]
    public static partial void ReconnectRequested(ILogger logger, int shardId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning,
        Message = "Shard {ShardId} received corrupt compressed data; closing to resume with a fresh context")]
    public static partial void DecompressionFailed(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning,
        Message = "Shard {ShardId} received a malformed gateway message ({Length} bytes, {Problem}); closing to resume")]
    public static partial void MalformedPayload(ILogger logger, int shardId, long length, string problem);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Debug,
        Message = "Shard {ShardId} paused reading: {Count} events ({Bytes} bytes) wait for the sink")]
    public static partial void ReadingPaused(ILogger logger, int shardId, int count, long bytes);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug,
        Message = "Shard {ShardId} resumed reading after {PausedFor}")]
    public static partial void ReadingResumed(ILogger logger, int shardId, TimeSpan pausedFor);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: the sink took nothing for {Timeout}; closing resumably until it recovers")]
    public static partial void SinkStalled(ILogger logger, int shardId, TimeSpan timeout);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: the sink failed to take {Item} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SinkDeliveryFailed(ILogger logger, int shardId, string item, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Critical,
        Message = "Shard {ShardId} stopped for good: the gateway closed with {CloseCode}. {Reason}")]
    public static partial void FatalClose(ILogger logger, int shardId, int closeCode, string reason);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information,
        Message = "Shard {ShardId} stopped ({Mode})")]
    public static partial void Stopped(ILogger logger, int shardId, ShardStopMode mode);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Debug,
        Message = "Shard {ShardId} ignored a message with unknown opcode {Opcode}")]
    public static partial void UnknownOpcode(ILogger logger, int shardId, int opcode);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information,
        Message = "Shard {ShardId} reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void ReconnectDelay(ILogger logger, int shardId, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Information,
        Message = "Shard {ShardId} drops session {SessionId}: no live connection for {Idle}, past the resume window")]
    public static partial void SessionExpired(ILogger logger, int shardId, string sessionId, TimeSpan idle);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Warning,
        Message = "Shard {ShardId} could not reach its resume URL {Failures} times; resuming through the bootstrap URL")]
    public static partial void ResumeUrlAbandoned(ILogger logger, int shardId, int failures);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Information,
        Message = "Shard {ShardId} dropped {Count} undelivered events; the gateway replays them on resume")]
    public static partial void UndeliveredDropped(ILogger logger, int shardId, int count);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Error,
        Message = "Shard {ShardId} connection loop failed unexpectedly")]
    public static partial void LoopFailed(ILogger logger, int shardId, Exception exception);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Debug,
        Message = "Shard {ShardId} answered a heartbeat request (op 1)")]
    public static partial void HeartbeatRequested(ILogger logger, int shardId);

    [LoggerMessage(EventId = 1027, Level = LogLevel.Warning,
        Message = "Shard {ShardId} could not send Identify within its permit (slot at {SlotAt}, {Late} ago): not sent, so it cannot crowd the next slot on its key; asking for a new permit")]
    public static partial void IdentifyPermitMissed(ILogger logger, int shardId, TimeSpan late, DateTimeOffset slotAt);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning,
        Message = "Shard {ShardId} ignores the resume URL of {Source}: {Problem}; it resumes through the bootstrap URL")]
    public static partial void ResumeUrlRefused(ILogger logger, int shardId, string source, string problem);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Warning,
        Message = "Shard {ShardId} ignores the session it was handed: {Problem}; it identifies a new session")]
    public static partial void ImportedSessionIgnored(ILogger logger, int shardId, string problem);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning,
        Message = "Shard {ShardId}: an Identify ended without READY ({Failures} in a row)")]
    public static partial void IdentifyFailed(ILogger logger, int shardId, int failures);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Error,
        Message = "Shard {ShardId}: {Failures} Identifies in a row ended without READY; waiting {Backoff} before the next, to spare the daily session budget")]
    public static partial void IdentifyBackoff(ILogger logger, int shardId, int failures, TimeSpan backoff);

    [LoggerMessage(EventId = 1044, Level = LogLevel.Warning,
        Message = "Shard {ShardId} could not report a failed Identify to the identify gate")]
    public static partial void IdentifyFailureReportFailed(ILogger logger, int shardId, Exception exception);
}
