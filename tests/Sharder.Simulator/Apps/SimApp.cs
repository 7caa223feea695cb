using System.Collections.Immutable;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Apps;

/// <summary>
/// One bot application: its token, identify limits, sessions and the routing table that sends
/// each event to the sessions of the shard it belongs to.
/// </summary>
internal sealed class SimApp
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SimSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<(int NumShards, int ShardId), string> _lastLossReason = [];
    private readonly Dictionary<ulong, DateTimeOffset> _lastAllMembersRequest = [];
    private readonly HashSet<int> _closingTotals = [];
    private ShardLayout[] _layouts = [];
    private string _token;

    public SimApp(long id, string token, IdentifyLimiter limiter)
    {
        Id = id;
        _token = token;
        Limiter = limiter;
    }

    public long Id { get; }
    public IdentifyLimiter Limiter { get; }
    public bool Revoked { get; private set; }

    public string Token
    {
        get { lock (_gate) return _token; }
    }

    /// <summary>Routing snapshot; read without locks on the event hot path.</summary>
    public IReadOnlyList<ShardLayout> Layouts => Volatile.Read(ref _layouts);

    /// <summary>Accepts the token with or without the "Bot " prefix (twilight sends it, GP §4.1).</summary>
    public bool Authenticates(string? token)
    {
        if (token is null) return false;
        if (token.StartsWith("Bot ", StringComparison.Ordinal)) token = token[4..];
        lock (_gate) return !Revoked && string.Equals(token, _token, StringComparison.Ordinal);
    }

    public void Revoke()
    {
        lock (_gate) Revoked = true;
    }

    public string Regenerate(string newToken)
    {
        lock (_gate)
        {
            _token = newToken;
            Revoked = false;
        }

        Limiter.ResetBudget();
        return newToken;
    }

    public IReadOnlyList<SimSession> Sessions()
    {
        lock (_gate) return [.. _sessions.Values];
    }

    public SimSession? FindSession(string? sessionId)
    {
        if (sessionId is null) return null;
        lock (_gate) return _sessions.GetValueOrDefault(sessionId);
    }

    public void AddSession(SimSession session)
    {
        lock (_gate)
        {
            _sessions[session.Id] = session;
            _closingTotals.Remove(session.NumShards);
            RebuildLocked();
        }
    }

    /// <summary>
    /// Drops invalidated sessions from routing and remembers why the shard lost its session.
    /// <paramref name="closedByClient"/>: the client ended the session with 1000/1001, as a sharder retiring a
    /// generation after a reshard does (see <see cref="RebuildLocked"/>).
    /// </summary>
    public void Forget(SimSession session, string reason, bool closedByClient = false)
    {
        lock (_gate)
        {
            _lastLossReason[(session.NumShards, session.ShardId)] = reason;
            if (closedByClient)
            {
                _closingTotals.Add(session.NumShards);
            }

            RebuildLocked();
        }
    }

    public string LossReason(int numShards, int shardId)
    {
        lock (_gate) return _lastLossReason.GetValueOrDefault((numShards, shardId)) ?? "no session";
    }

    /// <summary>R-4.9: one "all members" request per guild per cooldown.</summary>
    public bool TryStartAllMembersRequest(ulong guildId, DateTimeOffset now, TimeSpan cooldown, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            if (_lastAllMembersRequest.TryGetValue(guildId, out var last) && now - last < cooldown)
            {
                retryAfter = cooldown - (now - last);
                return false;
            }

            _lastAllMembersRequest[guildId] = now;
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>
    /// Keeps every layout ever identified (so events for a shard without a session are recorded as
    /// undeliverable), but only live sessions in it. A layout is retired (dropped from routing) once the client
    /// has closed its last session with 1000/1001 while another layout still has sessions: that is a reshard's
    /// old generation going away, as Discord forgets a shard count nobody is connected with. Its events then
    /// are neither sent nor counted undeliverable. A new session of that total brings it back.
    /// </summary>
    private void RebuildLocked()
    {
        var counts = new SortedSet<int>(_layouts.Select(l => l.NumShards));
        foreach (var s in _sessions.Values) counts.Add(s.NumShards);
        var stale = _sessions.Values.Where(s => s.State == SessionState.Invalidated).Select(s => s.Id).ToList();
        foreach (var id in stale) _sessions.Remove(id);
        var withSessions = _sessions.Values.Select(s => s.NumShards).ToHashSet();
        foreach (var total in _closingTotals)
        {
            if (!withSessions.Contains(total) && withSessions.Count > 0) counts.Remove(total);
        }

        var layouts = new List<ShardLayout>();
        foreach (var n in counts)
        {
            var byShard = new List<SimSession>[n];
            for (var i = 0; i < n; i++) byShard[i] = [];
            foreach (var s in _sessions.Values)
            {
                if (s.NumShards == n) byShard[s.ShardId].Add(s);
            }

            layouts.Add(new ShardLayout(n, [.. byShard.Select(l => l.ToImmutableArray())]));
        }

        Volatile.Write(ref _layouts, [.. layouts]);
    }
}
