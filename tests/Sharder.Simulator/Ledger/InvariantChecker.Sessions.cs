namespace Sharder.Simulator.Ledger;

public static partial class InvariantChecker
{
    /// <summary>
    /// Invariant 4: after a session detaches (a resumable disconnect), the shard's next session event is a
    /// Resume of that session. An Identify instead is a violation, and so is losing the session (expiry,
    /// invalidation, rejected resume) unless an injected fault caused it.
    /// </summary>
    /// <summary>
    /// A session the server closed with 4009 stays resumable here (R-4.3), but Discord's docs tell the
    /// client to "reconnect and start a new one", so an Identify after it is what a correct client does.
    /// </summary>
    private static bool ToldToStartANewSession(SessionRecord detached) => detached.ServerCloseCode == 4009;

    private static void CheckResumeWhenPossible(CheckContext context)
    {
        foreach (var shard in ShardTimelines(context.Ledger, []))
        {
            SessionRecord? detached = null;
            foreach (var record in shard)
            {
                switch (record.Kind)
                {
                    case SessionEventKind.IdentifyRejected:
                        break;
                    case SessionEventKind.Detached:
                        detached = record;
                        break;
                    case SessionEventKind.Resumed or SessionEventKind.Reattached:
                        detached = null;
                        break;
                    case SessionEventKind.Identified:
                        if (detached is not null && !ToldToStartANewSession(detached))
                        {
                            context.Violation(
                                $"identify instead of resume: {shard.Key} identified session {record.SessionId} at {record.At:O} on {record.Listener} " +
                                $"after session {detached.SessionId} detached at {detached.At:O} ({detached.Detail}) and could have been resumed");
                        }

                        detached = null;
                        break;
                    default:
                        if (detached is not null && (record.SessionId is null || record.SessionId == detached.SessionId))
                        {
                            if (!record.CausedByInjectedFault)
                            {
                                context.Violation(
                                    $"resumable session lost: {shard.Key} session {detached.SessionId} detached at {detached.At:O} ({detached.Detail}) " +
                                    $"then {record.Kind} at {record.At:O} ({record.Detail}) without an injected fault");
                            }

                            detached = null;
                        }

                        break;
                }
            }
        }
    }

    /// <summary>
    /// Invariant 5: undeliverable events lie only in intervals where the shard had no session, and each such
    /// interval began with an injected fault, a fatal close or a 1000/1001 close (or before the first session,
    /// when allowed).
    /// </summary>
    private static void CheckLossesOnlyWhereDiscordLoses(CheckContext context)
    {
        var normalCloses = context.Ledger.Closes
            .Where(c => c.SessionId is not null && c.Code is 1000 or 1001)
            .ToLookup(c => c.SessionId!, StringComparer.Ordinal);
        var undeliverable = context.Ledger.Undeliverable.GroupBy(u => new ShardKey(u.AppId, u.ShardId, u.NumShards)).ToList();
        var timelines = ShardTimelines(context.Ledger, undeliverable.Select(g => g.Key)).ToDictionary(g => g.Key, g => g.ToList());

        foreach (var shard in undeliverable)
        {
            var sessions = timelines.GetValueOrDefault(shard.Key) ?? [];
            var alive = new HashSet<string>(StringComparer.Ordinal);
            bool hadSession = false;
            SessionRecord? lossCause = null;
            int next = 0;
            foreach (var lost in shard)
            {
                for (; next < sessions.Count && sessions[next].Order < lost.Order; next++)
                {
                    var record = sessions[next];
                    if (record.Kind is SessionEventKind.Identified or SessionEventKind.Resumed or SessionEventKind.Reattached)
                    {
                        hadSession |= record.Kind == SessionEventKind.Identified;
                        if (record.SessionId is not null)
                        {
                            alive.Add(record.SessionId);
                        }
                    }
                    else if (record.Kind == SessionEventKind.TokenRevoked && alive.Count > 0)
                    {
                        alive.Clear();
                        lossCause = record;
                    }
                    else if (record.Kind is not (SessionEventKind.Detached or SessionEventKind.IdentifyRejected) && record.SessionId is not null
                        && alive.Remove(record.SessionId) && alive.Count == 0)
                    {
                        lossCause = record;
                    }
                }

                string what = $"{shard.Key} event uid {lost.EventUid} ({lost.Type}) undeliverable at {lost.At:O} ({lost.Reason})";
                if (alive.Count > 0)
                {
                    context.Violation($"undeliverable with a session: {what} although session(s) {string.Join(", ", alive)} existed");
                }
                else if (!hadSession || lossCause is null)
                {
                    if (!context.Options.AllowLossBeforeFirstSession)
                    {
                        context.Violation($"loss before first session: {what}");
                    }
                }
                else if (!IsLossDiscordWouldCause(lossCause, normalCloses))
                {
                    context.Violation(
                        $"avoidable loss: {what}; the shard lost its last session by {lossCause.Kind} of {lossCause.SessionId ?? "every session"} at {lossCause.At:O} " +
                        $"({lossCause.Detail}), not by an injected fault, a fatal close or a 1000/1001 close");
                }
            }
        }
    }

    /// <summary>R-10.4: Resumes never arrive on the bootstrap listener; Identifies do, unless they follow a rejected Resume on the same connection.</summary>
    private static void CheckListeners(CheckContext context)
    {
        if (context.Options.BootstrapListener is not { } bootstrap)
        {
            return;
        }

        var rejectedConnections = new HashSet<long>();
        foreach (var record in context.Ledger.Sessions)
        {
            bool onBootstrap = string.Equals(record.Listener, bootstrap, StringComparison.Ordinal);
            switch (record.Kind)
            {
                case SessionEventKind.ResumeRejected or SessionEventKind.Invalidated:
                    rejectedConnections.Add(record.ConnectionId);
                    break;
                case SessionEventKind.Resumed when onBootstrap:
                    context.Violation($"resume on bootstrap: session {record.SessionId} resumed on {record.Listener} (connection {record.ConnectionId}) at {record.At:O}, not on its resume_gateway_url");
                    break;
                case SessionEventKind.Identified when !onBootstrap && !rejectedConnections.Contains(record.ConnectionId):
                    context.Violation($"identify off bootstrap: session {record.SessionId} identified on {record.Listener} (connection {record.ConnectionId}) at {record.At:O}");
                    break;
            }
        }
    }

    /// <summary>Longest span from a shard losing its connection or session to its next READY or RESUMED.</summary>
    private static TimeSpan MaxTimeToRecover(LedgerSnapshot ledger)
    {
        var max = TimeSpan.Zero;
        foreach (var shard in ShardTimelines(ledger, []))
        {
            DateTimeOffset? outageStart = null;
            foreach (var record in shard)
            {
                switch (record.Kind)
                {
                    case SessionEventKind.Identified or SessionEventKind.Resumed or SessionEventKind.Reattached:
                        if (outageStart is { } start && record.At - start > max)
                        {
                            max = record.At - start;
                        }

                        outageStart = null;
                        break;
                    case SessionEventKind.FatalClose or SessionEventKind.TokenRevoked:
                        outageStart = null;
                        break;
                    case SessionEventKind.IdentifyRejected:
                        break;
                    default:
                        outageStart ??= record.At;
                        break;
                }
            }
        }

        return max;
    }

    private static bool IsLossDiscordWouldCause(SessionRecord cause, ILookup<string, CloseRecord> normalCloses) =>
        cause.CausedByInjectedFault
        || cause.Kind == SessionEventKind.FatalClose
        || (cause.SessionId is not null && normalCloses[cause.SessionId].Any(c => c.Order <= cause.Order));

    /// <summary>
    /// Session records per shard, in ledger order, for every shard that has records (a shard listed in
    /// <paramref name="alsoShards"/> also gets its app's app-wide records). App-wide records (TokenRevoked)
    /// appear in every shard of their app.
    /// </summary>
    private static IEnumerable<IGrouping<ShardKey, SessionRecord>> ShardTimelines(LedgerSnapshot ledger, IEnumerable<ShardKey> alsoShards)
    {
        var appWide = ledger.Sessions.Where(s => s.Kind == SessionEventKind.TokenRevoked).ToList();
        var perShard = ledger.Sessions.Where(s => s.Kind != SessionEventKind.TokenRevoked)
            .GroupBy(s => new ShardKey(s.AppId, s.ShardId, s.NumShards))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var key in alsoShards)
        {
            perShard.TryAdd(key, []);
        }

        return perShard
            .SelectMany(pair => pair.Value.Concat(appWide.Where(r => r.AppId == pair.Key.AppId)).Select(record => (pair.Key, record)))
            .OrderBy(item => item.record.Order)
            .GroupBy(item => item.Key, item => item.record);
    }
}
