using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Sink;

/// <summary>
/// Pushes shard events to Redis exactly once. Each batch is one script call that appends the events
/// and advances the shard's checkpoint atomically, dropping any sequence at or below the checkpoint of the
/// same session start, so a retry after an ambiguous failure, a resume replay or a migrated shard never
/// duplicates an event. A checkpoint Redis lost or rolled back is taken over with a resynced marker, never
/// a reason to refuse or drop events; an event whose list holds another type goes to <see cref="DeadList"/>.
/// Pushes carry the activation's epoch; Redis refuses an older one (<see cref="StaleEpochException"/>).
/// Thread-safe; concurrent calls for different shards pipeline on the shared multiplexer.
/// </summary>
internal sealed class RedisEventPublisher
{
    /// <summary>
    /// The list that receives events that cannot be written, relative to the key prefix; per shard
    /// (<c>{shard:N}:events:dead</c>) in <see cref="RedisKeyLayout.Cluster"/>.
    /// </summary>
    public const string DeadList = "events:dead";

    /// <summary>At most one trimmed marker per list per this interval (per silo).</summary>
    public static readonly TimeSpan TrimmedMarkerInterval = TimeSpan.FromSeconds(10);

    private static readonly RedisValue[] _checkpointFields = ["session", "seq", "resume_url", "epoch"];

    private readonly IDatabase _database;
    private readonly BatchEncoder _encoder;
    private readonly TimeProvider _timeProvider;
    private readonly long _maxLength;
    private readonly string _keyPrefix;
    private readonly ConcurrentDictionary<string, TrimmedSinceMarker> _trimmed = new(StringComparer.Ordinal);

    /// <param name="redis">The process's shared multiplexer; never created per call.</param>
    /// <param name="options">Where and how events go.</param>
    /// <param name="timeProvider">Clock for dead-letter times and the trimmed-marker rate; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see <see cref="RedisOutputOptionsValidator"/>).</exception>
    public RedisEventPublisher(IConnectionMultiplexer redis, RedisOutputOptions options, TimeProvider? timeProvider = null)
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
        _timeProvider = timeProvider ?? TimeProvider.System;
        _maxLength = options.MaxLength;
        _keyPrefix = $"{options.KeyPrefix}:";
    }

    /// <summary>
    /// Stamps a new activation of the shard: raises the epoch in its checkpoint above every earlier one
    /// (see <see cref="RedisScripts.AcquireEpochText"/>) and returns it. From now on pushes with any lower
    /// epoch are refused.
    /// </summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    /// <param name="shardId">The shard.</param>
    /// <param name="keyTotal">The generation total its keys carry; 0 for unqualified keys (<see cref="ShardKeys"/>).</param>
    public async Task<long> AcquireEpochAsync(int shardId, int keyTotal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        try
        {
            var result = await RedisScripts.AcquireEpoch
                .EvaluateAsync(_database, [_encoder.Layout.For(shardId, keyTotal).Checkpoint], [])
                .ConfigureAwait(false);
            return (long)result;
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException(shardId, exception);
        }
    }

    /// <summary>
    /// Retires the checkpoint of a shard whose generation a resharding run closed: no session to resume any
    /// more, and a raised epoch that fences an activation still running; the key expires after <paramref name="fenceLifetime"/>.
    /// </summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task RetireCheckpointAsync(int shardId, int keyTotal, TimeSpan fenceLifetime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        try
        {
            await RedisScripts.RetireCheckpoint
                .EvaluateAsync(_database, [_encoder.Layout.For(shardId, keyTotal).Checkpoint], [(long)fenceLifetime.TotalMilliseconds])
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException(shardId, exception);
        }
    }

    /// <summary>
    /// Pushes a generation-wide marker (<c>resharded</c>, <c>reshard_rolled_back</c>) to every list a worker
    /// reads: the shared marker lists, or with per-shard lists (Cluster) those of each shard in <paramref name="shards"/>.
    /// Nothing for sharder-binary. Returns the lists written.
    /// </summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task<int> PublishGenerationMarkerAsync(string json, IEnumerable<(int ShardId, int KeyTotal)> shards)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        ArgumentNullException.ThrowIfNull(shards);
        var lists = _encoder.Layout.KeyLayoutKind == RedisKeyLayout.Cluster
            ? shards.SelectMany(shard => _encoder.Layout.For(shard.ShardId, shard.KeyTotal).MarkerLists).Distinct(StringComparer.Ordinal).ToArray()
            : [.. _encoder.Layout.MarkerLists];
        try
        {
            await Task.WhenAll(lists.Select(list => _database.ListRightPushAsync(list, json))).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException("Redis could not be reached to push a resharding marker.", exception);
        }

        return lists.Length;
    }

    /// <summary>The shard's checkpoint, or null when no session was ever recorded for it.</summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    /// <param name="shardId">The shard.</param>
    /// <param name="keyTotal">The generation total its keys carry; 0 for unqualified keys (<see cref="ShardKeys"/>).</param>
    public async Task<ShardCheckpoint?> ReadCheckpointAsync(int shardId, int keyTotal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(_encoder.Layout.For(shardId, keyTotal).Checkpoint, _checkpointFields).ConfigureAwait(false);
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
            new ShardSession(fields[0]!, ParseLong(fields[1]), fields[2].IsNullOrEmpty ? null : (string?)fields[2]),
            ParseLong(fields[3]));
    }

    /// <summary>
    /// Pushes the events of <paramref name="batch"/> whose sequence is above the checkpoint, in order, and
    /// advances the checkpoint to the batch's highest sequence (filtered event types included). All events
    /// must belong to <paramref name="sessionId"/>. When the checkpoint does
    /// not describe this writer (Redis lost or rolled it back, or another start left it), the writer takes
    /// it over with a resynced marker instead of dropping or refusing events. Events whose list holds
    /// another type go to <see cref="DeadList"/> with the reason and are passed over.
    /// </summary>
    /// <param name="resumeUrl">The session's resume URL to store; null keeps the stored one.</param>
    /// <param name="position">The writer's session start and position in it; default: unknown (not compared).</param>
    /// <param name="keyTotal">The generation total the shard's keys carry; 0 for unqualified keys (<see cref="ShardKeys"/>).</param>
    /// <exception cref="StaleEpochException">A newer activation holds the shard; nothing was pushed.</exception>
    /// <exception cref="RedisUnavailableException">Redis could not be reached; retry the same batch.</exception>
    /// <exception cref="RedisRefusedException">Redis refused the write (OOM, NOPERM, ...); retry later, someone must look.</exception>
    public async Task<PublishResult> PublishAsync(
        int shardId, long epoch, string sessionId, string? resumeUrl, IReadOnlyList<ShardDispatch> batch, PublishPosition position = default, int keyTotal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        HashSet<string>? skipped = null;
        int deadLettered = 0;
        while (true)
        {
            var arguments = _encoder.EncodeBatch(shardId, epoch, sessionId, resumeUrl, batch, position, skipped, keyTotal);
            RedisResult[] reply;
            try
            {
                reply = await EvaluateAsync(RedisScripts.Publish, shardId, arguments).ConfigureAwait(false);
            }
            catch (RedisRefusedException)
            {
                arguments.Payloads?.Return(); // Redis answered: the request was written
                throw;
            }

            arguments.Payloads?.Return();
            if ((long)reply[0] == RedisScripts.NotAList)
            {
                var list = (string)arguments.Keys[(int)reply[1] - 1]!;
                var reason = $"WRONGTYPE: {_keyPrefix}{list} holds a {(string?)reply[2]}, not a list";
                deadLettered += await DeadLetterAsync(shardId, epoch, batch, list, reason, position, keyTotal).ConfigureAwait(false);
                (skipped ??= new HashSet<string>(StringComparer.Ordinal)).Add(list);
                continue;
            }

            ThrowIfRefused(reply, shardId, epoch);
            var lists = ListStates(reply, arguments.Keys);
            await MarkTrimmedAsync(lists).ConfigureAwait(false);
            return new PublishResult((int)reply[1], (long)reply[2])
            {
                DeadLettered = deadLettered,
                Resynced = (long)reply[3] == 1,
                Lists = lists,
            };
        }
    }

    /// <summary>
    /// Records a session change in the checkpoint and pushes its marker to every list a worker of the shard
    /// reads (none with <see cref="RedisOutputFormat.SharderBinary"/>). A reidentified marker resets the
    /// checkpoint to the new session start with no sequence; it is pushed only when a previous session
    /// existed. Repeating a marker (a retry) pushes nothing more.
    /// </summary>
    /// <returns>Whether a marker was pushed.</returns>
    /// <exception cref="StaleEpochException">A newer activation holds the shard; nothing changed.</exception>
    /// <exception cref="RedisUnavailableException">Redis could not be reached; retry the same marker.</exception>
    /// <exception cref="RedisRefusedException">Redis refused the write (OOM, NOPERM, ...).</exception>
    public async Task<bool> PublishMarkerAsync(int shardId, long epoch, ShardLifecycleMarker marker, int keyTotal = 0)
        => (await RecordMarkerAsync(shardId, epoch, marker, keyTotal).ConfigureAwait(false)).Pushed;

    /// <inheritdoc cref="PublishMarkerAsync"/>
    /// <returns>The marker's outcome, with the checkpoint's start and sequence afterwards.</returns>
    public async Task<MarkerResult> RecordMarkerAsync(int shardId, long epoch, ShardLifecycleMarker marker, int keyTotal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        ArgumentNullException.ThrowIfNull(marker);
        var arguments = _encoder.EncodeMarker(shardId, epoch, marker, keyTotal);

        var reply = await EvaluateAsync(RedisScripts.Marker, shardId, arguments).ConfigureAwait(false);
        ThrowIfRefused(reply, shardId, epoch);
        var startId = (string?)reply[2];
        return new MarkerResult((long)reply[1] == 1, string.IsNullOrEmpty(startId) ? null : startId, (long)reply[3], (long)reply[4] == 1);
    }

    /// <summary>Writes a dead-letter entry for every event of the batch bound for <paramref name="list"/>.</summary>
    private async Task<int> DeadLetterAsync(
        int shardId, long epoch, IReadOnlyList<ShardDispatch> batch, string list, string reason, PublishPosition position, int keyTotal)
    {
        var now = _timeProvider.GetUtcNow();
        var values = new List<RedisValue> { epoch };
        foreach (var dispatch in batch)
        {
            if (position.Sequence is { } reached && dispatch.Sequence <= reached)
            {
                continue; // already pushed before the list went bad: not this event's problem
            }

            if (string.Equals(_encoder.ListOf(shardId, dispatch, keyTotal), list, StringComparison.Ordinal))
            {
                values.Add(BatchEncoder.EncodeDeadLetter(shardId, dispatch, _keyPrefix + list, reason, now));
            }
        }

        if (values.Count == 1)
        {
            return 0;
        }

        var shardKeys = _encoder.Layout.For(shardId, keyTotal);
        var reply = await EvaluateAsync(
            RedisScripts.DeadLetter, shardId, new ScriptArguments([shardKeys.Checkpoint, shardKeys.DeadList], [.. values])).ConfigureAwait(false);
        if ((long)reply[0] == RedisScripts.NotAList)
        {
            throw new RedisRefusedException(
                shardId, "WRONGTYPE", $"{list} holds another type than a list and so does the dead list {shardKeys.DeadList} ({(string?)reply[2]}); the events wait");
        }

        ThrowIfRefused(reply, shardId, epoch);
        return (int)(long)reply[1];
    }

    private static OutputListState[] ListStates(RedisResult[] reply, RedisKey[] keys)
    {
        const int first = 4;
        var lists = new OutputListState[(reply.Length - first) / 3];
        for (int i = 0; i < lists.Length; i++)
        {
            int at = first + (3 * i);
            lists[i] = new OutputListState((string)keys[(int)reply[at] - 1]!, (long)reply[at + 1], (long)reply[at + 2]);
        }

        return lists;
    }

    /// <summary>
    /// Says in the list itself that the bound dropped its oldest entries: at most once per list per
    /// <see cref="TrimmedMarkerInterval"/>, with everything trimmed since the previous marker.
    /// </summary>
    private async Task MarkTrimmedAsync(OutputListState[] lists)
    {
        if (_encoder.Layout.MarkerLists.Count == 0)
        {
            return;
        }

        foreach (var state in lists)
        {
            if (state.Trimmed == 0)
            {
                continue;
            }

            var now = _timeProvider.GetUtcNow();
            var since = _trimmed.GetOrAdd(state.List, static _ => new TrimmedSinceMarker());
            long count;
            lock (since)
            {
                since.Count += state.Trimmed;
                if (since.MarkedAt is { } marked && now - marked < TrimmedMarkerInterval)
                {
                    continue;
                }

                count = since.Count;
                since.Count = 0;
                since.MarkedAt = now;
            }

            var json = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"marker\":\"trimmed\",\"list\":{JsonSerializer.Serialize(_keyPrefix + state.List)},\"trimmed\":{count},\"max_length\":{_maxLength}}}");
            try
            {
                await _database.ListRightPushAsync(state.List, json).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The events are in; the count is told with the next marker.
                lock (since)
                {
                    since.Count += count;
                    since.MarkedAt = null;
                }
            }
        }
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
        catch (RedisServerException exception)
        {
            throw new RedisRefusedException(shardId, RedisFailures.ReasonCode(exception), exception.Message, exception);
        }
    }

    private static void ThrowIfRefused(RedisResult[] reply, int shardId, long epoch)
    {
        switch ((long)reply[0])
        {
            case RedisScripts.Ok:
                return;
            case RedisScripts.StaleEpoch:
                throw new StaleEpochException(shardId, epoch, (long)reply[1]);
            default:
                throw new InvalidOperationException($"The push script returned unknown status {(long)reply[0]}.");
        }
    }

    /// <summary>Entries a list lost to the bound since its last trimmed marker.</summary>
    private sealed class TrimmedSinceMarker
    {
        public long Count { get; set; }

        public DateTimeOffset? MarkedAt { get; set; }
    }

    private static long ParseLong(RedisValue value)
        => value.IsNullOrEmpty ? 0 : long.Parse((string)value!, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
