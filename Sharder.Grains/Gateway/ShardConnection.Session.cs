namespace Sharder.Grains.Gateway;

/// <summary>
/// Session bookkeeping: which session is live, what of it reached the sink, where to resume it, and
/// the hand-off to another <see cref="ShardConnection"/> (possibly in another process).
/// </summary>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// The session a new <see cref="ShardConnection"/> can resume, with the last sequence delivered to the
    /// sink; null when there is none (never identified, or dropped by a shutdown or a new-session close).
    /// </summary>
    public GatewaySession? ExportSession()
    {
        lock (_lock)
        {
            return _session is { } session
                ? new GatewaySession(session.Id, DeliveredSequenceLocked(session.Id), session.ResumeUrl, ShardId, ShardCount)
                : null;
        }
    }

    /// <summary>Resume on the resume URL when a live session exists; otherwise identify on the bootstrap URL.</summary>
    private ConnectionPlan PlanConnection()
    {
        lock (_lock)
        {
            if (_session is { } expiring
                && _timeProvider.GetElapsedTime(_sessionLastAlive) is var idle
                && idle > _options.SessionResumeWindow)
            {
                GatewayLog.SessionExpired(_logger, ShardId, expiring.Id, idle);
                DropSessionLocked();
            }

            if (_session is not { } session)
            {
                return new ConnectionPlan(GatewayUrl.Build(_options.BootstrapUrl, _decompressor.Name), null, false);
            }

            var sequence = DeliveredSequenceLocked(session.Id);
            Interlocked.Exchange(ref _lastSequence, sequence > 0 ? sequence : NoSequence);
            var useResumeUrl = session.ResumeBase is not null && Volatile.Read(ref _resumeUrlFailures) < ResumeUrlFailureLimit;
            var url = GatewayUrl.Build(useResumeUrl ? session.ResumeBase! : _options.BootstrapUrl, _decompressor.Name);
            return new ConnectionPlan(url, new ResumeTarget(session.Id, sequence), useResumeUrl);
        }
    }

    private void ImportSession(GatewaySession session)
    {
        if (session.ShardId != ShardId || session.ShardCount != ShardCount)
        {
            throw new ArgumentException(
                $"The session belongs to shard [{session.ShardId}, {session.ShardCount}], not [{ShardId}, {ShardCount}].",
                nameof(session));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(session.SessionId, nameof(session));
        ArgumentOutOfRangeException.ThrowIfNegative(session.Sequence, nameof(session));
        _session = new SessionInfo(session.SessionId, session.ResumeUrl, GatewayUrl.ParseBaseOrNull(session.ResumeUrl));
        _sessionLastAlive = _timeProvider.GetTimestamp();
        _deliveredSessionId = session.SessionId;
        _deliveredSequence = session.Sequence;
        _lastSequence = session.Sequence > 0 ? session.Sequence : NoSequence;
    }

    private long DeliveredSequenceLocked(string sessionId) => _deliveredSessionId == sessionId ? _deliveredSequence : 0;

    /// <summary>Forgets the current session, remembering it so the next READY can report what was lost.</summary>
    private void DropSessionLocked()
    {
        if (_session is not { } session)
        {
            return;
        }

        _previousSession = new PreviousSession(session.Id, DeliveredSequenceLocked(session.Id));
        _session = null;
        Interlocked.Exchange(ref _lastSequence, NoSequence);
        Volatile.Write(ref _resumeUrlFailures, 0);
    }

    private void RecordDelivered(SinkItem item)
    {
        lock (_lock)
        {
            if (item.SessionStart is { } start)
            {
                if (_deliveredSessionId != start.SessionId)
                {
                    _deliveredSessionId = start.SessionId;
                    _deliveredSequence = 0;
                }
            }
            else if (_deliveredSessionId != item.Dispatch.SessionId)
            {
                _deliveredSessionId = item.Dispatch.SessionId;
                _deliveredSequence = item.Dispatch.Sequence;
            }
            else if (item.Dispatch.Sequence > _deliveredSequence)
            {
                _deliveredSequence = item.Dispatch.Sequence;
            }
        }
    }

    /// <summary>The live session: its id and where to resume it (null when the URL is unusable).</summary>
    private sealed record SessionInfo(string Id, string ResumeUrl, Uri? ResumeBase);

    /// <summary>A session replaced by a new one, reported in the next <see cref="SessionStart"/>.</summary>
    private sealed record PreviousSession(string Id, long LastDeliveredSequence);
}
