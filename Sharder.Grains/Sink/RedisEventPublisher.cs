using System.Globalization;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Sharder.Grains.Sink;

/// <summary>
/// Pushes shard events to Redis exactly once. Each batch is one script call that appends the events
/// and advances the shard's checkpoint atomically, dropping any sequence at or below the checkpoint,
/// so a retry after an ambiguous failure, a resume replay or a migrated shard never duplicates an event.
/// Pushes carry the activation's epoch; Redis refuses an older one (<see cref="StaleEpochException"/>).
/// Thread-safe; concurrent calls for different shards pipeline on the shared multiplexer.
/// </summary>
internal sealed class RedisEventPublisher
{
    private static readonly RedisValue[] _checkpointFields = ["session", "seq", "resume_url", "epoch"];

    private readonly IDatabase _database;
    private readonly BatchEncoder _encoder;

    /// <param name="redis">The process's shared multiplexer; never created per call.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see <see cref="RedisOutputOptionsValidator"/>).</exception>
    public RedisEventPublisher(IConnectionMultiplexer redis, RedisOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new RedisOutputOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _database = redis.GetDatabase().WithKeyPrefix($"{options.KeyPrefix}:");
        _encoder = new BatchEncoder(options);
    }

    /// <summary>
    /// Stamps a new activation of the shard: raises the epoch in its checkpoint above every earlier one
    /// (see <see cref="RedisScripts.AcquireEpochText"/>) and returns it. From now on pushes with any lower
    /// epoch are refused.
    /// </summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task<long> AcquireEpochAsync(int shardId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        try
        {
            var result = await RedisScripts.AcquireEpoch
                .EvaluateAsync(_database, [KeyLayout.CheckpointKey(shardId)], [])
                .ConfigureAwait(false);
            return (long)result;
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException(shardId, exception);
        }
    }

    /// <summary>The shard's checkpoint, or null when no session was ever recorded for it.</summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task<ShardCheckpoint?> ReadCheckpointAsync(int shardId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(KeyLayout.CheckpointKey(shardId), _checkpointFields).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException(shardId, exception);
        }

        if (fields[0].IsNullOrEmpty)
        {
            return null;
        }

        return new ShardCheckpoint(
            shardId,
            fields[0]!,
            ParseLong(fields[1]),
            fields[2].IsNullOrEmpty ? null : (string?)fields[2],
            ParseLong(fields[3]));
    }

    /// <summary>
    /// Pushes the events of <paramref name="batch"/> whose sequence is above the checkpoint, in order, and
    /// advances the checkpoint to the batch's highest sequence (filtered event types included). All events
    /// must belong to <paramref name="shardId"/> and <paramref name="sessionId"/>.
    /// </summary>
    /// <param name="resumeUrl">The session's resume URL to store; null keeps the stored one.</param>
    /// <exception cref="StaleEpochException">A newer activation holds the shard; nothing was pushed.</exception>
    /// <exception cref="SessionMismatchException">The checkpoint holds another session; nothing was pushed.</exception>
    /// <exception cref="RedisUnavailableException">Redis could not be reached; retry the same batch.</exception>
    public async Task<PublishResult> PublishAsync(
        int shardId, long epoch, string sessionId, string? resumeUrl, IReadOnlyList<OutboundEvent> batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var arguments = _encoder.EncodeBatch(shardId, epoch, sessionId, resumeUrl, batch);

        var reply = await EvaluateAsync(RedisScripts.Publish, shardId, arguments).ConfigureAwait(false);
        ThrowIfRefused(reply, shardId, epoch, sessionId);
        return new PublishResult((int)reply[1], (long)reply[2]);
    }

    /// <summary>
    /// Records a session change in the checkpoint and pushes its marker to every list a worker of the shard
    /// reads (none with <see cref="RedisOutputFormat.SharderBinary"/>). A reidentified marker resets the
    /// checkpoint to the new session at sequence 0; it is pushed only when a previous session existed.
    /// Repeating a marker (a retry) pushes nothing more.
    /// </summary>
    /// <returns>Whether a marker was pushed.</returns>
    /// <exception cref="StaleEpochException">A newer activation holds the shard; nothing changed.</exception>
    /// <exception cref="SessionMismatchException">A resumed marker for a session other than the checkpoint's.</exception>
    /// <exception cref="RedisUnavailableException">Redis could not be reached; retry the same marker.</exception>
    public async Task<bool> PublishMarkerAsync(int shardId, long epoch, ShardLifecycleMarker marker)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        ArgumentNullException.ThrowIfNull(marker);
        var arguments = _encoder.EncodeMarker(shardId, epoch, marker);

        var reply = await EvaluateAsync(RedisScripts.Marker, shardId, arguments).ConfigureAwait(false);
        ThrowIfRefused(reply, shardId, epoch, marker.SessionId);
        return (long)reply[1] == 1;
    }

    private async Task<RedisResult[]> EvaluateAsync(RedisScript script, int shardId, ScriptArguments arguments)
    {
        try
        {
            var result = await script.EvaluateAsync(_database, arguments.Keys, arguments.Values).ConfigureAwait(false);
            return (RedisResult[]?)result ?? throw new InvalidOperationException("The push script returned nothing.");
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException(shardId, exception);
        }
    }

    private static void ThrowIfRefused(RedisResult[] reply, int shardId, long epoch, string sessionId)
    {
        switch ((long)reply[0])
        {
            case RedisScripts.Ok:
                return;
            case RedisScripts.StaleEpoch:
                throw new StaleEpochException(shardId, epoch, (long)reply[1]);
            case RedisScripts.SessionMismatch:
                throw new SessionMismatchException(shardId, sessionId, (string)reply[1]!, (long)reply[2]);
            default:
                throw new InvalidOperationException($"The push script returned unknown status {(long)reply[0]}.");
        }
    }

    private static long ParseLong(RedisValue value)
        => value.IsNullOrEmpty ? 0 : long.Parse((string)value!, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
