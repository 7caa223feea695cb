using System.Globalization;

namespace Sharder.Simulator.Ledger;

/// <summary>
/// The no-loss / no-duplicate oracle (R-10.3): compares the ledger with what the system under test
/// published. Each invariant is one small method that adds readable violations to the report.
/// </summary>
public static partial class InvariantChecker
{
    public static InvariantReport Check(LedgerSnapshot ledger, IReadOnlyList<SinkRecord> published, InvariantOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(published);
        var context = new CheckContext(ledger, published, options ?? new InvariantOptions());

        long lost = CheckCompleteness(context);
        long duplicates = CheckDuplicates(context);
        var (outOfOrder, gaps) = CheckOrder(context);
        if (context.Options.RequireResumeWhenPossible)
        {
            CheckResumeWhenPossible(context);
        }

        CheckLossesOnlyWhereDiscordLoses(context);
        int heartbeatMismatches = CheckHeartbeats(context);
        int identifyViolations = CheckIdentifyViolations(context);
        CheckListeners(context);

        return new InvariantReport(
            Produced: ledger.Routed.Select(r => r.EventUid).Concat(ledger.Undeliverable.Select(u => u.EventUid)).Distinct().LongCount(),
            Routed: ledger.Routed.Count,
            DeliveredLive: ledger.Sent.LongCount(s => s.Kind == DeliveryKind.Live),
            Replayed: ledger.Sent.LongCount(s => s.Kind == DeliveryKind.Replay),
            Undeliverable: ledger.Undeliverable.Count,
            Published: published.Count,
            Lost: lost,
            Duplicates: duplicates,
            OutOfOrder: outOfOrder,
            Gaps: gaps,
            UnknownPublished: context.UnknownPublished,
            Identifies: CountSessions(ledger, SessionEventKind.Identified),
            Resumes: CountSessions(ledger, SessionEventKind.Resumed),
            ResumesRejected: CountSessions(ledger, SessionEventKind.ResumeRejected),
            Invalidations: CountSessions(ledger, SessionEventKind.Invalidated),
            HeartbeatMismatches: heartbeatMismatches,
            Closes: CloseCounts(ledger),
            MaxCommandsPer60s: ledger.CommandPeaks.Count == 0 ? 0 : ledger.CommandPeaks.Max(p => p.PeakIn60s),
            MaxHeartbeatGap: MaxHeartbeatGap(ledger),
            MaxTimeToRecover: MaxTimeToRecover(ledger),
            IdentifyViolations: identifyViolations,
            RoutedNeverSent: context.RoutedNeverSent,
            Violations: context.Violations.ToList());
    }

    /// <summary>Invariant 1: every routed and sent seq of a session is published, except excluded types.</summary>
    private static long CheckCompleteness(CheckContext context)
    {
        long lost = 0;
        foreach (var session in context.Sessions.Values)
        {
            var missing = new List<long>();
            foreach (int index in session.RouteIndexes)
            {
                var route = context.Ledger.Routed[index];
                if (route.Seq > session.HighestSent)
                {
                    context.RoutedNeverSent++;
                }
                else if (!session.PublishCounts.ContainsKey(route.Seq) && !context.IsExcluded(route.Type))
                {
                    missing.Add(route.Seq);
                }
            }

            if (missing.Count > 0)
            {
                lost += missing.Count;
                context.Violation(
                    $"lost: session {session.SessionId} ({session.Shard}) never published {missing.Count} sent event(s): " +
                    $"seq {Ranges(missing)} (highest sent {session.HighestSent})");
            }
        }

        return lost;
    }

    /// <summary>Invariant 2: no (session, seq) and no event uid is published twice.</summary>
    private static long CheckDuplicates(CheckContext context)
    {
        long duplicates = 0;
        foreach (var session in context.Sessions.Values)
        {
            foreach (var (seq, count) in session.PublishCounts)
            {
                if (count > 1)
                {
                    duplicates += count - 1;
                    var first = session.Publications.First(p => p.Seq == seq);
                    var positions = string.Join(", ", session.Publications.Where(p => p.Seq == seq).Select(p => p.Position.ToString(CultureInfo.InvariantCulture)));
                    context.Violation($"duplicate: session {session.SessionId} seq {seq} ({context.Ledger.Routed[first.RouteIndex].Type}) published {count} times (publish positions {positions})");
                }
            }
        }

        // The same uid under more (session, seq) keys than sessions it was routed to, e.g. a mislabelled record.
        foreach (var (uid, keys) in context.PublishedKeysByUid)
        {
            if (keys > 1 && keys > context.SessionsRoutedFor(uid))
            {
                int allowed = context.SessionsRoutedFor(uid);
                duplicates += keys - allowed;
                var where = context.Sessions.Values
                    .SelectMany(s => s.Publications.Where(p => p.EventUid == uid).Select(p => $"{s.SessionId}#{p.Seq}"))
                    .Distinct(StringComparer.Ordinal);
                context.Violation($"duplicate: event uid {uid} published under {keys} (session, seq) keys, routed to {allowed} session(s): {string.Join(", ", where)}");
            }
        }

        return duplicates;
    }

    /// <summary>Invariant 3: within a session, seqs are published in increasing order and without gaps (also after a resume).</summary>
    private static (long OutOfOrder, long Gaps) CheckOrder(CheckContext context)
    {
        long outOfOrder = 0;
        long gaps = 0;
        foreach (var session in context.Sessions.Values)
        {
            var expectedSeqs = session.PublishableSeqs(context.Ledger, context.Options);
            long? previous = null;
            foreach (var publication in session.Publications)
            {
                long seq = publication.Seq;
                if (previous is { } last && seq == last)
                {
                    continue;
                }

                if (previous is { } before && seq < before)
                {
                    outOfOrder++;
                    context.Violation($"out of order: session {session.SessionId} published seq {seq} after seq {before} (publish position {publication.Position})");
                    continue;
                }

                long? expected = previous is { } prior ? NextAfter(expectedSeqs, prior) : (expectedSeqs.Count > 0 ? expectedSeqs[0] : null);
                if (expected is { } next && seq > next)
                {
                    gaps++;
                    string after = previous is { } p ? $"seq {p}" : "the session start";
                    context.Violation($"gap: session {session.SessionId} published seq {seq} right after {after}; expected seq {next} (publish position {publication.Position})");
                }

                previous = seq;
            }
        }

        return (outOfOrder, gaps);
    }

    /// <summary>
    /// Invariant 6: a heartbeat's <c>d</c> is never ahead of what was sent on its connection's session, and is
    /// not stale: it must cover everything that had been sent by the previous heartbeat of that
    /// connection (a full interval earlier), up to the race allowance. Comparing with the previous
    /// heartbeat rather than this one keeps bursts in flight (READY + GUILD_CREATEs, replays) from
    /// reading as stale, while a client that froze its resume point is still caught.
    /// </summary>
    private static int CheckHeartbeats(CheckContext context)
    {
        int mismatches = 0;
        var previousSent = new Dictionary<long, (string? Session, long Sent)>();
        foreach (var heartbeat in context.Ledger.Heartbeats)
        {
            long client = heartbeat.ClientSeq ?? 0;
            string clientText = heartbeat.ClientSeq?.ToString(CultureInfo.InvariantCulture) ?? "null";
            // Before its Resume is read, a connection has no session, and a client may already heartbeat with the
            // sequence it is about to resume from (the heartbeat loop starts with Hello, like the Resume).
            if (client > heartbeat.HighestSentSeq && heartbeat.SessionId is not null)
            {
                mismatches++;
                context.Violation($"heartbeat ahead: connection {heartbeat.ConnectionId} (session {heartbeat.SessionId ?? "none"}) sent d={clientText} but only seq {heartbeat.HighestSentSeq} was sent, at {heartbeat.At:O}");
            }
            else if (previousSent.TryGetValue(heartbeat.ConnectionId, out var previous) && previous.Session == heartbeat.SessionId
                && previous.Sent - client > context.Options.HeartbeatRaceAllowance)
            {
                mismatches++;
                context.Violation($"stale heartbeat: connection {heartbeat.ConnectionId} (session {heartbeat.SessionId ?? "none"}) sent d={clientText} although seq {previous.Sent} had been sent by its previous heartbeat (allowance {context.Options.HeartbeatRaceAllowance}), at {heartbeat.At:O}");
            }

            previousSent[heartbeat.ConnectionId] = (heartbeat.SessionId, heartbeat.HighestSentSeq);
        }

        return mismatches;
    }

    private static int CheckIdentifyViolations(CheckContext context)
    {
        foreach (var violation in context.Options.AllowIdentifyViolations ? [] : context.Ledger.IdentifyViolations)
        {
            context.Violation($"identify too soon: app {violation.AppId} shard {violation.ShardId} (rate-limit key {violation.RateLimitKey}) identified {violation.GapSinceLast.TotalMilliseconds:0} ms after the previous identify of that key, at {violation.At:O}");
        }

        return context.Ledger.IdentifyViolations.Count;
    }

    private static int CountSessions(LedgerSnapshot ledger, SessionEventKind kind) => ledger.Sessions.Count(s => s.Kind == kind);

    private static List<CloseCount> CloseCounts(LedgerSnapshot ledger) =>
        [.. ledger.Closes
            .GroupBy(c => (c.ByServer, c.Code, c.CloseFrame))
            .Select(g => new CloseCount(g.Key.ByServer, g.Key.Code, g.Key.CloseFrame, g.Count()))
            .OrderBy(c => c.ByServer ? 0 : 1)
            .ThenBy(c => c.Code ?? -1)
            .ThenBy(c => c.CloseFrame)];

    private static TimeSpan MaxHeartbeatGap(LedgerSnapshot ledger)
    {
        var max = TimeSpan.Zero;
        foreach (var beats in ledger.Heartbeats.GroupBy(h => h.ConnectionId))
        {
            DateTimeOffset? previous = null;
            foreach (var beat in beats)
            {
                if (previous is { } last && beat.At - last > max)
                {
                    max = beat.At - last;
                }

                previous = beat.At;
            }
        }

        return max;
    }

    private static long? NextAfter(List<long> sortedSeqs, long seq)
    {
        int index = sortedSeqs.BinarySearch(seq);
        int next = index >= 0 ? index + 1 : ~index;
        return next < sortedSeqs.Count ? sortedSeqs[next] : null;
    }

    /// <summary>"1-4, 7, 9-10" for a sorted list; long lists are cut short.</summary>
    private static string Ranges(List<long> sorted)
    {
        const int maxRanges = 12;
        var parts = new List<string>();
        int i = 0;
        while (i < sorted.Count && parts.Count < maxRanges)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }

        return i < sorted.Count ? string.Join(", ", parts) + ", …" : string.Join(", ", parts);
    }
}
