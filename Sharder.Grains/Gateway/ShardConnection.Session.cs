using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Session bookkeeping: which session is live, what of it reached the sink, where to resume it, and
/// the hand-off to another <see cref="ShardConnection"/> (possibly in another process).
/// </summary>
/// <remarks>
/// Every session start (READY after an Identify, or an imported session) gets a new generation number, and
/// delivered sequences are tracked per generation, never per session id: a gateway may hand back an id it
/// used before, and sequences of two different sessions must never be compared.
/// </remarks>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// The session a new <see cref="ShardConnection"/> can resume, with the last sequence delivered to the
    /// sink; null when there is none (never identified, or dropped by a shutdown or a new-session close).
    /// The resume URL is one <see cref="ResumeUrlPolicy"/> accepted, or empty.
    /// </summary>
    public ShardSession? ExportSession()
    {
        lock (_lock)
        {
            return _session is { } session
                ? new ShardSession(session.Id, Math.Max(0, DeliveredSequenceLocked(session.Generation)), session.ResumeUrl)
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
                return new ConnectionPlan(GatewayUrl.Build(_options.BootstrapUrl, _decompressor.Name), null, 0, false);
            }

            // NoSequence when nothing of the session reached the sink: heartbeats then carry null, the Resume 0.
            var delivered = DeliveredSequenceLocked(session.Generation);
            Interlocked.Exchange(ref _lastSequence, delivered);
            var useResumeUrl = session.ResumeBase is not null && Volatile.Read(ref _resumeUrlFailures) < ResumeUrlFailureLimit;
            var url = GatewayUrl.Build(useResumeUrl ? session.ResumeBase! : _options.BootstrapUrl, _decompressor.Name);
            var resume = new ShardSession(session.Id, Math.Max(0, delivered), session.ResumeUrl);
            return new ConnectionPlan(url, resume, session.Generation, useResumeUrl);
        }
    }

    /// <summary>
    /// Takes a session handed over from elsewhere (a Redis checkpoint, a migration). Its fields are not
    /// trusted: a malformed id or sequence means no session (the shard identifies), and a resume URL the
    /// <see cref="ResumeUrlPolicy"/> refuses is dropped (the shard resumes through the bootstrap URL).
    /// </summary>
    private void ImportSession(ShardSession session)
    {
        if (!SessionFieldRules.IsUsable(session.SessionId, session.Sequence, out var problem))
        {
            GatewayLog.ImportedSessionIgnored(_logger, ShardId, problem!);
            return;
        }

        var (resumeUrl, resumeBase) = TrustedResumeUrl(session.ResumeUrl, "the handed-over session");
        _session = new SessionInfo(session.SessionId, resumeUrl, resumeBase, ++_generation);
        _sessionLastAlive = _timeProvider.GetTimestamp();
        _deliveredGeneration = _session.Generation;
        _deliveredSequence = session.Sequence > 0 ? session.Sequence : NoSequence;
        _lastSequence = session.Sequence > 0 ? session.Sequence : NoSequence;
    }

    /// <summary>The resume URL and its base when <see cref="ResumeUrlPolicy"/> accepts it; otherwise empty and null, with a warning.</summary>
    private (string Url, Uri? Base) TrustedResumeUrl(string? url, string source)
    {
        var trusted = ResumeUrlPolicy.Check(url, _options.BootstrapUrl, _options.AllowedResumeHosts, out var rejection);
        if (trusted is null)
        {
            if (!string.IsNullOrEmpty(url))
            {
                GatewayLog.ResumeUrlRefused(_logger, ShardId, source, rejection!);
            }

            return (string.Empty, null);
        }

        return (url!, trusted);
    }

    /// <summary>The last sequence of <paramref name="generation"/> the sink accepted, or <see cref="NoSequence"/>.</summary>
    private long DeliveredSequenceLocked(long generation) => _deliveredGeneration == generation ? _deliveredSequence : NoSequence;

    /// <summary>Forgets the current session, remembering it so the next READY can report what was lost.</summary>
    private void DropSessionLocked()
    {
        if (_session is not { } session)
        {
            return;
        }

        _previousSession = new ShardSession(session.Id, Math.Max(0, DeliveredSequenceLocked(session.Generation)), session.ResumeUrl);
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

    /// <summary>The live session: its id, where to resume it (null when the URL is unusable or untrusted) and its generation.</summary>
    private sealed record SessionInfo(string Id, string ResumeUrl, Uri? ResumeBase, long Generation);
}
