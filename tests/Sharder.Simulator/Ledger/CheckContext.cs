using System.Globalization;

namespace Sharder.Simulator.Ledger;

/// <summary>
/// Indexes over one ledger snapshot and the published records, shared by the invariant checks. Built in
/// linear time: sessions by id, routes by seq and by uid, publications per session.
/// </summary>
internal sealed class CheckContext
{
    private readonly List<string> _violations = [];
    private int _unlistedViolations;
    private SessionRoutes? _lastSession;

    public CheckContext(LedgerSnapshot ledger, IReadOnlyList<SinkRecord> published, InvariantOptions options)
    {
        Ledger = ledger;
        Options = options;
        IndexRoutes();
        foreach (var sent in ledger.Sent)
        {
            if (FindSession(sent.SessionId) is { } session && sent.Seq > session.HighestSent)
            {
                session.HighestSent = sent.Seq;
            }
        }

        for (int position = 0; position < published.Count; position++)
        {
            Resolve(position, published[position]);
        }
    }

    public LedgerSnapshot Ledger { get; }

    public InvariantOptions Options { get; }

    public Dictionary<string, SessionRoutes> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>First routed index of each uid; <see cref="MoreRoutesByUid"/> holds further copies (other sessions).</summary>
    public Dictionary<long, int> FirstRouteByUid { get; } = [];

    public Dictionary<long, List<int>> MoreRoutesByUid { get; } = [];

    /// <summary>Uid → number of distinct (session, seq) keys it was published under.</summary>
    public Dictionary<long, int> PublishedKeysByUid { get; } = [];

    public long UnknownPublished { get; private set; }

    public long RoutedNeverSent { get; set; }

    public IReadOnlyList<string> Violations =>
        _unlistedViolations == 0
            ? _violations
            : [.. _violations, $"… and {_unlistedViolations} more violation(s) not listed"];

    public void Violation(string description)
    {
        if (_violations.Count < Options.MaxViolationsListed)
        {
            _violations.Add(description);
        }
        else
        {
            _unlistedViolations++;
        }
    }

    public bool IsExcluded(string type) => Options.ExcludedTypes.Contains(type);

    /// <summary>Sessions a uid was routed to (copies of one event for several sessions of a shard).</summary>
    public int SessionsRoutedFor(long uid) =>
        MoreRoutesByUid.TryGetValue(uid, out var more)
            ? more.Select(i => Ledger.Routed[i].SessionId).Append(Ledger.Routed[FirstRouteByUid[uid]].SessionId).Distinct(StringComparer.Ordinal).Count()
            : 1;

    private void IndexRoutes()
    {
        var routed = Ledger.Routed;
        for (int index = 0; index < routed.Count; index++)
        {
            var route = routed[index];
            var session = FindSession(route.SessionId);
            if (session is null)
            {
                session = new SessionRoutes(route.SessionId, new ShardKey(route.AppId, route.ShardId, route.NumShards));
                Sessions.Add(route.SessionId, session);
                _lastSession = session;
            }

            session.RouteIndexes.Add(index);
            session.RouteIndexBySeq[route.Seq] = index;
            if (!FirstRouteByUid.TryAdd(route.EventUid, index))
            {
                if (!MoreRoutesByUid.TryGetValue(route.EventUid, out var more))
                {
                    more = [];
                    MoreRoutesByUid.Add(route.EventUid, more);
                }

                more.Add(index);
            }
        }

        foreach (var session in Sessions.Values)
        {
            session.RouteIndexes.Sort((a, b) => routed[a].Seq.CompareTo(routed[b].Seq));
        }
    }

    private void Resolve(int position, SinkRecord record)
    {
        if (IsExcluded(record.Type))
        {
            return;
        }

        SessionRoutes? session;
        int routeIndex;
        if (record is { SessionId: { } sessionId, Seq: { } seq })
        {
            session = FindSession(sessionId);
            if (session is null || !session.RouteIndexBySeq.TryGetValue(seq, out routeIndex))
            {
                Unknown($"unknown publish: position {position} claims session {sessionId} seq {seq} ({record.Type}), which the simulator never routed");
                return;
            }

            var route = Ledger.Routed[routeIndex];
            if (route.ShardId != record.ShardId
                || !string.Equals(route.Type, record.Type, StringComparison.Ordinal)
                || (record.EventUid is { } claimedUid && claimedUid != route.EventUid))
            {
                Unknown($"metadata mismatch: position {position} published shard {record.ShardId} {record.Type} uid {Text(record.EventUid)} " +
                    $"for session {sessionId} seq {seq}, which the simulator routed as shard {route.ShardId} {route.Type} uid {route.EventUid}");
            }
        }
        else if (record.EventUid is { } uid && PickByUid(uid, record.ShardId) is { } picked)
        {
            routeIndex = picked;
            session = Sessions[Ledger.Routed[routeIndex].SessionId];
        }
        else
        {
            Unknown($"unknown publish: position {position} ({record.Type}, shard {record.ShardId}, uid {Text(record.EventUid)}) matches no routed event");
            return;
        }

        long routedSeq = Ledger.Routed[routeIndex].Seq;
        long eventUid = record.EventUid ?? Ledger.Routed[routeIndex].EventUid;
        int count = session.PublishCounts.GetValueOrDefault(routedSeq) + 1;
        session.PublishCounts[routedSeq] = count;
        if (count == 1)
        {
            PublishedKeysByUid[eventUid] = PublishedKeysByUid.GetValueOrDefault(eventUid) + 1;
        }

        session.Publications.Add(new Publication(position, session, routedSeq, routeIndex, eventUid));
    }

    // Compat mode: without session and seq, the first copy of the uid on this shard that is not yet published stands in.
    private int? PickByUid(long uid, int shardId)
    {
        if (!FirstRouteByUid.TryGetValue(uid, out int first))
        {
            return null;
        }

        IEnumerable<int> candidates = MoreRoutesByUid.TryGetValue(uid, out var more) ? more.Prepend(first) : [first];
        int? fallback = null;
        foreach (int index in candidates)
        {
            var route = Ledger.Routed[index];
            if (route.ShardId != shardId)
            {
                continue;
            }

            if (!Sessions[route.SessionId].PublishCounts.ContainsKey(route.Seq))
            {
                return index;
            }

            fallback ??= index;
        }

        return fallback;
    }

    // Records usually arrive in runs of one session, so the last hit is checked before hashing.
    private SessionRoutes? FindSession(string sessionId)
    {
        if (_lastSession is { } last && (ReferenceEquals(last.SessionId, sessionId) || string.Equals(last.SessionId, sessionId, StringComparison.Ordinal)))
        {
            return last;
        }

        if (Sessions.TryGetValue(sessionId, out var session))
        {
            _lastSession = session;
        }

        return session;
    }

    private void Unknown(string description)
    {
        UnknownPublished++;
        Violation(description);
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "null";
}
