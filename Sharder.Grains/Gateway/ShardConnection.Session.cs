using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Sessions in and out: the hand-off to another <see cref="ShardConnection"/> (possibly in another process),
/// where the next connection goes, and the checks on a session handed in. The bookkeeping itself is the
/// <see cref="SessionLedger"/>'s.
/// </summary>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// The session a new <see cref="ShardConnection"/> can resume, with the last sequence delivered to the
    /// sink; null when there is none (never identified, or dropped by a shutdown or a new-session close).
    /// The resume URL is one <see cref="ResumeUrlPolicy"/> accepted, or empty.
    /// </summary>
    public ShardSession? ExportSession() => _ledger.Export();

    /// <summary>Resume on the resume URL when a live session exists; otherwise identify on the bootstrap URL.</summary>
    private ConnectionPlan PlanConnection()
    {
        var point = _ledger.ResumePoint(_options.SessionResumeWindow, out var expired);
        if (expired is { } gone)
        {
            GatewayLog.SessionExpired(_logger, ShardId, gone.SessionId, gone.Idle);
        }

        if (point is not { } resumable)
        {
            return new ConnectionPlan(GatewayUrl.Build(_options.BootstrapUrl, _decompressor.Name), null, 0, false);
        }

        var (session, resume) = resumable;

        var useResumeUrl = session.ResumeBase is not null && _ledger.ResumeUrlFailures < ResumeUrlFailureLimit;
        var url = GatewayUrl.Build(useResumeUrl ? session.ResumeBase! : _options.BootstrapUrl, _decompressor.Name);
        return new ConnectionPlan(url, resume, session.Generation, useResumeUrl);
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
        _ledger.Import(session.SessionId, session.Sequence, resumeUrl, resumeBase);
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
}
