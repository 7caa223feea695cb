using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Gateway;

/// <summary>
/// One shard's session bookkeeping: which session is live, the last sequence received, what of it reached
/// the sink, when it was last alive, the session a new one replaced, and how often its resume URL failed.
/// Owns its state behind its own lock; it calls nothing outside itself, so any caller may hold its own lock.
/// </summary>
/// <remarks>
/// Every session start (READY after an Identify, or an imported session) gets a new generation number, and
/// delivered sequences are tracked per generation, never per session id: a gateway may hand back an id it
/// used before, and sequences of two different sessions must never be compared.
/// </remarks>
internal sealed class SessionLedger
{
    /// <summary>No sequence: nothing received (or delivered) on the session yet.</summary>
    public const long NoSequence = -1;

    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();

    // Guarded by _lock.
    private LiveSession? _session;
    private long _lastAliveTimestamp;
    private long _generation;
    private long _deliveredGeneration;
    private long _deliveredSequence = NoSequence;
    private ShardSession? _replaced;

    // Read and written atomically (the read loop, heartbeats and status readers race on them).
    private long _lastReceived = NoSequence;
    private int _resumeUrlFailures;

    public SessionLedger(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>The last sequence received on the current session (heartbeats carry it); <see cref="NoSequence"/> when none.</summary>
    public long LastReceived => Interlocked.Read(ref _lastReceived);

    /// <summary>Failed attempts to reach the current session's resume URL since it last answered.</summary>
    public int ResumeUrlFailures => Volatile.Read(ref _resumeUrlFailures);

    public void OnReceived(long sequence) => Interlocked.Exchange(ref _lastReceived, sequence);

    /// <summary>A connection to the resume URL got no Hello; returns the failures so far.</summary>
    public int OnResumeUrlFailed() => Interlocked.Increment(ref _resumeUrlFailures);

    /// <summary>The resume URL answered (or a new session brings a new one).</summary>
    public void OnResumeUrlReached() => Volatile.Write(ref _resumeUrlFailures, 0);

    /// <summary>Takes a session handed over from elsewhere, already checked, as a new generation delivered up to <paramref name="sequence"/>.</summary>
    public void Import(string sessionId, long sequence, string resumeUrl, Uri? resumeBase)
    {
        lock (_lock)
        {
            _session = new LiveSession(sessionId, resumeUrl, resumeBase, ++_generation);
            _lastAliveTimestamp = _timeProvider.GetTimestamp();
            _deliveredGeneration = _session.Generation;
            _deliveredSequence = sequence > 0 ? sequence : NoSequence;
            Interlocked.Exchange(ref _lastReceived, _deliveredSequence);
        }
    }

    /// <summary>The live session at the last sequence delivered to the sink (0: none); null when there is none.</summary>
    public ShardSession? Export()
    {
        lock (_lock)
        {
            return _session is { } session ? AsShardSession(session) : null;
        }
    }

    /// <summary>The live session's id and the last sequence of it the sink accepted (null: none).</summary>
    public (string? SessionId, long? Delivered) Snapshot()
    {
        lock (_lock)
        {
            return _session is { } session
                ? (session.Id, DeliveredLocked(session.Generation) is >= 0 and var delivered ? delivered : null)
                : (null, null);
        }
    }

    /// <summary>
    /// The session to resume and its resume point (the last sequence the sink accepted, which heartbeats carry
    /// until new events arrive); null when there is none. A session idle longer than <paramref name="window"/>
    /// is dropped first and reported in <paramref name="expired"/>.
    /// </summary>
    public (LiveSession Session, ShardSession Resume)? ResumePoint(TimeSpan window, out (string SessionId, TimeSpan Idle)? expired)
    {
        expired = null;
        lock (_lock)
        {
            if (_session is { } expiring && _timeProvider.GetElapsedTime(_lastAliveTimestamp) is var idle && idle > window)
            {
                expired = (expiring.Id, idle);
                DropLocked();
            }

            if (_session is not { } session)
            {
                return null;
            }

            var delivered = DeliveredLocked(session.Generation);
            Interlocked.Exchange(ref _lastReceived, delivered);
            return (session, AsShardSession(session));
        }
    }

    /// <summary>
    /// A READY started a new session (even when the gateway reuses an id it gave before): the old one is
    /// replaced, and what was delivered of it is never compared with the new one. Returns the new generation and
    /// the session it replaced (or the one dropped before it), at its last delivered sequence.
    /// </summary>
    public (long Generation, ShardSession? Replaced) StartNew(string sessionId, string resumeUrl, Uri? resumeBase)
    {
        lock (_lock)
        {
            DropLocked();
            var replaced = _replaced;
            _replaced = null;
            _session = new LiveSession(sessionId, resumeUrl, resumeBase, ++_generation);
            OnResumeUrlReached();
            return (_session.Generation, replaced);
        }
    }

    /// <summary>The resume URL of the live session when it is <paramref name="sessionId"/>; otherwise null.</summary>
    public string? ResumeUrlOf(string sessionId)
    {
        lock (_lock)
        {
            return _session is { } session && session.Id == sessionId ? session.ResumeUrl : null;
        }
    }

    /// <summary>A connection of <paramref name="generation"/> was active until now: the session's resume window counts from here.</summary>
    public void MarkAlive(long generation)
    {
        lock (_lock)
        {
            if (_session is { } session && session.Generation == generation)
            {
                _lastAliveTimestamp = _timeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>Forgets the current session, remembering it so the next READY can report what was lost.</summary>
    public void Drop()
    {
        lock (_lock)
        {
            DropLocked();
        }
    }

    /// <summary>The sink accepted <paramref name="item"/> (a dispatch, or a session start).</summary>
    public void RecordDelivered(SinkItem item)
    {
        lock (_lock)
        {
            if (item.SessionStart is { } start)
            {
                if (!start.Resumed && _deliveredGeneration != item.Generation)
                {
                    _deliveredGeneration = item.Generation;
                    _deliveredSequence = NoSequence;
                }
            }
            else if (_deliveredGeneration != item.Generation)
            {
                _deliveredGeneration = item.Generation;
                _deliveredSequence = item.Dispatch.Sequence;
            }
            else if (item.Dispatch.Sequence > _deliveredSequence)
            {
                _deliveredSequence = item.Dispatch.Sequence;
            }
        }
    }

    private ShardSession AsShardSession(LiveSession session)
        => new(session.Id, Math.Max(0, DeliveredLocked(session.Generation)), session.ResumeUrl);

    /// <summary>The last sequence of <paramref name="generation"/> the sink accepted, or <see cref="NoSequence"/>.</summary>
    private long DeliveredLocked(long generation) => _deliveredGeneration == generation ? _deliveredSequence : NoSequence;

    private void DropLocked()
    {
        if (_session is not { } session)
        {
            return;
        }

        _replaced = AsShardSession(session);
        _session = null;
        Interlocked.Exchange(ref _lastReceived, NoSequence);
        OnResumeUrlReached();
    }
}
