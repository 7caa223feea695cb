using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Resharding;

namespace Sharder.Grains.Sink;

/// <summary>
/// One shard activation's output to Redis, the connection's <see cref="IDispatchSink"/>: the shard id and
/// the activation's epoch are bound once here, so dispatches carry neither. Each batch of dispatches the
/// connection hands over is pushed in one script call, and every session start becomes a lifecycle
/// marker that stores the session's resume URL with the checkpoint. A <see cref="StaleEpochException"/>
/// means a newer activation owns the shard: the sink reports it once through <c>onFenced</c> and keeps
/// refusing (the connection retries until it is stopped). <see cref="RedisUnavailableException"/> and
/// <see cref="RedisRefusedException"/> propagate: the connection retries with backoff and stops reading
/// meanwhile, so nothing is lost; a refusal (OOM, NOPERM, ...) is also surfaced at once as a
/// <see cref="DeliveryProblem"/> (health, status, a metric, a rate-bounded error log), an outage once it
/// lasts. The sink tells the push script which session start it writes and how far it got, so a lost or
/// rolled-back checkpoint is re-synced (with a marker) instead of refusing or dropping events.
/// </summary>
internal sealed class ShardEventSink : IDispatchSink
{
    /// <summary>How often a lasting refusal is logged again at error level.</summary>
    public static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);

    private const string UnavailableReason = "UNAVAILABLE";

    private readonly int _shardId;
    private readonly long _epoch;
    private readonly RedisEventPublisher _publisher;
    private readonly Action _onFenced;
    private readonly SharderInstruments _instruments;
    private readonly DeliveryProblemBoard? _problems;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _keyTotal;
    private readonly CutoverFilter? _cutover;
    private long _lastSequence;
    private int _fenced;

    // What the checkpoint holds for this writer: the session, its start and the last sequence (-1 none);
    // unknown (null) until this activation wrote a marker or an event of the session.
    private string? _positionSession;
    private string? _startId;
    private long? _position;

    private DeliveryProblem? _problem;
    private DateTimeOffset? _refusalLoggedAt;

    /// <param name="shardId">The shard.</param>
    /// <param name="epoch">The activation's epoch from <see cref="RedisEventPublisher.AcquireEpochAsync"/>.</param>
    /// <param name="publisher">The silo's shared Redis publisher.</param>
    /// <param name="resumeFromSequence">The sequence the activation resumes after (0 when it identifies).</param>
    /// <param name="onFenced">Called once, from the delivery loop, when Redis refuses the epoch.</param>
    /// <param name="instruments">Metrics.</param>
    /// <param name="problems">Where delivery problems are reported for health checks; none when null.</param>
    /// <param name="timeProvider">Clock for problem times; the system clock when null.</param>
    /// <param name="logger">Logs refusals, re-syncs and dead letters; none when null.</param>
    /// <param name="keyTotal">The generation total the shard's keys carry; 0 for unqualified keys (<see cref="ShardKeys"/>).</param>
    /// <param name="cutover">The resharding switch applied to each batch; none (publish everything) when null.</param>
    public ShardEventSink(
        int shardId,
        long epoch,
        RedisEventPublisher publisher,
        long resumeFromSequence,
        Action onFenced,
        SharderInstruments instruments,
        DeliveryProblemBoard? problems = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        int keyTotal = 0,
        CutoverFilter? cutover = null)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(onFenced);
        ArgumentNullException.ThrowIfNull(instruments);
        _shardId = shardId;
        _epoch = epoch;
        _publisher = publisher;
        _lastSequence = resumeFromSequence;
        _onFenced = onFenced;
        _instruments = instruments;
        _problems = problems;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _keyTotal = keyTotal;
        _cutover = cutover;
        _problems?.Report(shardId, null);
    }

    /// <summary>True once Redis refused this activation's epoch.</summary>
    public bool IsFenced => Volatile.Read(ref _fenced) == 1;

    /// <summary>Why events are not reaching Redis right now; null while they are.</summary>
    public DeliveryProblem? Problem => Volatile.Read(ref _problem);

    /// <summary>
    /// Publishes the batch in one script call. The connection hands over dispatches of one session in
    /// order; the checkpoint ends at the batch's last sequence, so a retry or a resume from there repeats
    /// nothing and loses nothing.
    /// </summary>
    public async ValueTask DeliverAsync(ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        ThrowIfFenced();
        if (_cutover is not null)
        {
            batch = _cutover.Apply(batch);
        }

        var sessionId = batch.Span[0].SessionId;
        long lastSequence = batch.Span[^1].Sequence;
        int count = batch.Length;
        PublishResult result;
        var started = _timeProvider.GetTimestamp();
        try
        {
            result = await _publisher.PublishAsync(_shardId, _epoch, sessionId, null, AsList(batch), PositionIn(sessionId), _keyTotal).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            OnFailed(ex);
            throw;
        }

        OnDelivered();

        _positionSession = sessionId;
        _position = result.Sequence;
        _lastSequence = lastSequence;
        if (result.Resynced)
        {
            _instruments.OnResynced();
            SinkLog.Resynced(_logger, _shardId, sessionId);
        }

        if (result.DeadLettered > 0)
        {
            _instruments.OnEventsDeadLettered(result.DeadLettered);
            SinkLog.DeadLettered(_logger, _shardId, result.DeadLettered, lastSequence);
        }

        foreach (var list in result.Lists)
        {
            _instruments.OnOutputList(list.List, list.Length, list.Trimmed);
        }

        _instruments.OnBatchPublished(_shardId, count, _timeProvider.GetElapsedTime(started));
        _instruments.OnEventsPublished(_shardId, count);
        foreach (ref readonly var dispatch in batch.Span)
        {
            _instruments.OnEventTypePublished(dispatch.EventType);
            if (dispatch.ReceivedTimestamp != 0)
            {
                _instruments.OnEventDelivered(_timeProvider.GetElapsedTime(dispatch.ReceivedTimestamp));
            }
        }
    }

    public async ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ThrowIfFenced();
        var marker = start.Resumed
            ? ShardLifecycleMarker.Resumed(start.SessionId, _lastSequence, start.ResumeUrl, PositionIn(start.SessionId).Sequence)
            : ShardLifecycleMarker.Reidentified(start.SessionId, start.ResumeUrl, start.StartId);
        MarkerResult result;
        try
        {
            result = await _publisher.RecordMarkerAsync(_shardId, _epoch, marker, _keyTotal).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            OnFailed(ex);
            throw;
        }

        OnDelivered();

        _positionSession = start.SessionId;
        _startId = result.StartId;
        _position = result.Sequence;
        if (result.Resynced)
        {
            _instruments.OnResynced();
            SinkLog.Resynced(_logger, _shardId, start.SessionId);
        }

        if (!start.Resumed)
        {
            _lastSequence = 0;
        }
    }

    /// <summary>The batch as a list without copying it: the connection hands over a slice of its batch array.</summary>
    private static IReadOnlyList<ShardDispatch> AsList(ReadOnlyMemory<ShardDispatch> batch)
        => MemoryMarshal.TryGetArray(batch, out var segment) ? segment : batch.ToArray();

    private PublishPosition PositionIn(string sessionId)
        => string.Equals(_positionSession, sessionId, StringComparison.Ordinal) ? new PublishPosition(_startId, _position) : default;

    private static bool IsRedisFailure(Exception exception)
        => exception is StaleEpochException or RedisRefusedException or RedisUnavailableException;

    /// <summary>Turns a failed Redis call into the sink's state: fenced, refused or unavailable.</summary>
    private void OnFailed(Exception exception)
    {
        switch (exception)
        {
            case StaleEpochException:
                Fence();
                break;
            case RedisRefusedException refusal:
                OnRefused(refusal);
                break;
            default:
                SetProblem(UnavailableReason, exception.Message, transient: true);
                break;
        }
    }

    private void OnRefused(RedisRefusedException refusal)
    {
        var problem = SetProblem(refusal.ReasonCode, refusal.Message, transient: false);
        _instruments.OnSinkRefused(refusal.ReasonCode);
        var now = _timeProvider.GetUtcNow();
        if (_refusalLoggedAt is not { } logged || now - logged >= RefusalLogInterval || problem.Since == now)
        {
            _refusalLoggedAt = now;
            SinkLog.Refused(_logger, _shardId, refusal.ReasonCode, problem.Since, refusal.Message);
        }
    }

    private DeliveryProblem SetProblem(string reason, string detail, bool transient)
    {
        var now = _timeProvider.GetUtcNow();
        var since = _problem is { } current && current.Reason == reason ? current.Since : now;
        var problem = new DeliveryProblem(_shardId, reason, detail, since, transient);
        Volatile.Write(ref _problem, problem);
        _problems?.Report(_shardId, problem);
        return problem;
    }

    private void OnDelivered()
    {
        if (_problem is not { } ended)
        {
            return;
        }

        Volatile.Write(ref _problem, null);
        _refusalLoggedAt = null;
        _problems?.Report(_shardId, null);
        if (!ended.Transient)
        {
            var duration = _timeProvider.GetUtcNow() - ended.Since;
            SinkLog.DeliveringAgain(_logger, _shardId, duration, ended.Reason);
        }
    }

    private void ThrowIfFenced()
    {
        if (IsFenced)
        {
            throw new StaleEpochException($"Shard {_shardId}: epoch {_epoch} was superseded; this activation is going away.");
        }
    }

    private void Fence()
    {
        if (Interlocked.Exchange(ref _fenced, 1) == 0)
        {
            _instruments.OnShardFenced();
            _onFenced();
        }
    }
}
