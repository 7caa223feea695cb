using System.Runtime.InteropServices;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Shards;

/// <summary>
/// The shard connection's sink: every dispatch is pushed to Redis as a one-event batch carrying the
/// activation's epoch, and every session start becomes a lifecycle marker. A <see cref="StaleEpochException"/>
/// means a newer activation owns the shard: the sink reports it once through <c>onFenced</c> and keeps
/// refusing (the connection retries until it is stopped). <see cref="RedisUnavailableException"/>
/// propagates: the connection retries with backoff and stops reading meanwhile, so nothing is lost.
/// </summary>
internal sealed class RedisDispatchSink : IDispatchSink
{
    private readonly int _shardId;
    private readonly long _epoch;
    private readonly RedisEventPublisher _publisher;
    private readonly Func<GatewaySession?> _currentSession;
    private readonly Action _onFenced;
    private readonly SharderInstruments _instruments;
    private readonly OutboundEvent[] _batch = new OutboundEvent[1];
    private long _lastSequence;
    private int _fenced;

    /// <param name="shardId">The shard.</param>
    /// <param name="epoch">The activation's epoch from <see cref="RedisEventPublisher.AcquireEpochAsync"/>.</param>
    /// <param name="publisher">The silo's publisher.</param>
    /// <param name="resumeFromSequence">The sequence the activation resumes after (0 when it identifies).</param>
    /// <param name="currentSession">The connection's live session (for its resume URL).</param>
    /// <param name="onFenced">Called once, from the delivery loop, when Redis refuses the epoch.</param>
    /// <param name="instruments">Metrics.</param>
    public RedisDispatchSink(
        int shardId,
        long epoch,
        RedisEventPublisher publisher,
        long resumeFromSequence,
        Func<GatewaySession?> currentSession,
        Action onFenced,
        SharderInstruments instruments)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(currentSession);
        ArgumentNullException.ThrowIfNull(onFenced);
        ArgumentNullException.ThrowIfNull(instruments);
        _shardId = shardId;
        _epoch = epoch;
        _publisher = publisher;
        _lastSequence = resumeFromSequence;
        _currentSession = currentSession;
        _onFenced = onFenced;
        _instruments = instruments;
    }

    /// <summary>True once Redis refused this activation's epoch.</summary>
    public bool IsFenced => Volatile.Read(ref _fenced) == 1;

    public async ValueTask DeliverAsync(ShardDispatch dispatch, CancellationToken cancellationToken)
    {
        ThrowIfFenced();
        _batch[0] = new OutboundEvent(
            dispatch.ShardId,
            dispatch.SessionId,
            dispatch.Sequence,
            dispatch.EventType,
            dispatch.GuildId,
            dispatch.Payload,
            DataRange(dispatch));
        try
        {
            await _publisher.PublishAsync(_shardId, _epoch, dispatch.SessionId, null, _batch).ConfigureAwait(false);
        }
        catch (StaleEpochException)
        {
            Fence();
            throw;
        }
        finally
        {
            _batch[0] = default;
        }

        _lastSequence = dispatch.Sequence;
        _instruments.OnEventPublished();
    }

    public async ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ThrowIfFenced();
        var resumeUrl = _currentSession() is { } session && session.SessionId == start.SessionId ? session.ResumeUrl : null;
        var marker = start.Resumed
            ? ShardLifecycleMarker.Resumed(start.SessionId, _lastSequence, resumeUrl)
            : ShardLifecycleMarker.Reidentified(start.SessionId, resumeUrl);
        try
        {
            await _publisher.PublishMarkerAsync(_shardId, _epoch, marker).ConfigureAwait(false);
        }
        catch (StaleEpochException)
        {
            Fence();
            throw;
        }

        if (!start.Resumed)
        {
            _lastSequence = 0;
        }
    }

    /// <summary>Where <c>d</c> sits in the frame: the dispatch's data slice, as an offset into its payload.</summary>
    private static Range DataRange(in ShardDispatch dispatch)
    {
        if (MemoryMarshal.TryGetArray(dispatch.Payload, out var payload) && MemoryMarshal.TryGetArray(dispatch.Data, out var data))
        {
            var start = data.Offset - payload.Offset;
            return new Range(start, start + data.Count);
        }

        throw new InvalidOperationException("A dispatch payload must be array-backed.");
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
