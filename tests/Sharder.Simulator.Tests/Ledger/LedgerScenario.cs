using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Ledger;

namespace Sharder.Simulator.Tests.Ledger;

/// <summary>
/// Writes a scenario into a <see cref="GatewayLedger"/> the way the protocol layer would, and collects what a
/// well-behaved (or deliberately broken) sharder publishes.
/// </summary>
internal sealed class LedgerScenario
{
    public const long AppId = 42;
    public const string Bootstrap = "bootstrap";
    public const string ResumeListener = "resume-0";

    private readonly Dictionary<string, SessionState> _sessions = [];
    private long _nextUid = 10_000;

    public LedgerScenario()
    {
        Ledger = new GatewayLedger(Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public GatewayLedger Ledger { get; }

    public List<SinkRecord> Published { get; } = [];

    /// <summary>READY of a new session (seq 1, type READY), sent live on <paramref name="connectionId"/>.</summary>
    public void Identify(string sessionId, int shard, int numShards, long connectionId, string listener = Bootstrap)
    {
        _sessions[sessionId] = new SessionState(shard, numShards);
        Ledger.Session(SessionEventKind.Identified, AppId, shard, numShards, sessionId, connectionId, listener, "READY sent", causedByInjectedFault: false);
        Dispatch(sessionId, connectionId, "READY");
    }

    /// <summary>Routes the next seq of the session; sends it live when <paramref name="connectionId"/> is set (otherwise it is buffered).</summary>
    public long Dispatch(string sessionId, long? connectionId, string type = "MESSAGE_CREATE")
    {
        var session = _sessions[sessionId];
        long seq = ++session.LastSeq;
        long uid = ++_nextUid;
        session.Events[seq] = (type, uid);
        Ledger.Routed(AppId, sessionId, session.Shard, session.NumShards, seq, type, uid, guildId: 1UL << 22, Time.GetUtcNow());
        if (connectionId is { } connection)
        {
            Ledger.Sent(sessionId, seq, connection, DeliveryKind.Live);
            session.HighestSentOn[connection] = seq;
        }

        return seq;
    }

    public void Dispatches(string sessionId, long? connectionId, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Dispatch(sessionId, connectionId);
        }
    }

    public void Detach(string sessionId, long connectionId, int closeCode = 4000, bool injected = false, bool byServer = false)
    {
        var session = _sessions[sessionId];
        byServer |= injected;
        Ledger.Close(connectionId, sessionId, session.Shard, byServer, closeCode, closeFrame: true);
        Ledger.Session(
            SessionEventKind.Detached, AppId, session.Shard, session.NumShards, sessionId, connectionId, Bootstrap,
            $"{(byServer ? "server" : "client")} close {closeCode}", injected, byServer ? closeCode : null);
    }

    /// <summary>Resume from <paramref name="fromSeq"/>: replays every later seq on the new connection, then RESUMED.</summary>
    public void Resume(string sessionId, long connectionId, long fromSeq, string listener = ResumeListener)
    {
        var session = _sessions[sessionId];
        for (long seq = fromSeq + 1; seq <= session.LastSeq; seq++)
        {
            Ledger.Sent(sessionId, seq, connectionId, DeliveryKind.Replay);
        }

        session.HighestSentOn[connectionId] = session.LastSeq;
        Ledger.Session(SessionEventKind.Resumed, AppId, session.Shard, session.NumShards, sessionId, connectionId, listener, $"resumed from {fromSeq}", causedByInjectedFault: false);
        Dispatch(sessionId, connectionId, "RESUMED");
    }

    public void End(SessionEventKind kind, string sessionId, long connectionId, bool injected, string detail = "ended")
    {
        var session = _sessions[sessionId];
        Ledger.Session(kind, AppId, session.Shard, session.NumShards, sessionId, connectionId, Bootstrap, detail, injected);
    }

    public void Undeliverable(int shard, int numShards, string reason = "no session") =>
        Ledger.Undeliverable(AppId, shard, numShards, "MESSAGE_CREATE", ++_nextUid, 1UL << 22, Time.GetUtcNow(), reason);

    /// <summary>A heartbeat carrying <paramref name="clientSeq"/>, compared with the highest seq sent on the connection.</summary>
    public void Heartbeat(string sessionId, long connectionId, long? clientSeq) =>
        Ledger.Heartbeat(connectionId, sessionId, clientSeq, _sessions[sessionId].HighestSentOn.GetValueOrDefault(connectionId));

    /// <summary>The sharder publishes <paramref name="seq"/> of the session with full metadata.</summary>
    public void Publish(string sessionId, long seq)
    {
        var session = _sessions[sessionId];
        var (type, uid) = session.Events[seq];
        Published.Add(new SinkRecord(session.Shard, sessionId, seq, type, uid));
    }

    public void PublishRange(string sessionId, long from, long to)
    {
        for (long seq = from; seq <= to; seq++)
        {
            Publish(sessionId, seq);
        }
    }

    /// <summary>The sharder publishes in compat mode: only shard, type and uid.</summary>
    public void PublishWithoutSession(string sessionId, long seq)
    {
        var session = _sessions[sessionId];
        var (type, uid) = session.Events[seq];
        Published.Add(new SinkRecord(session.Shard, null, null, type, uid));
    }

    public long LastSeq(string sessionId) => _sessions[sessionId].LastSeq;

    public InvariantReport Check(InvariantOptions? options = null) => InvariantChecker.Check(Ledger.Snapshot(), Published, options);

    private sealed class SessionState(int shard, int numShards)
    {
        public int Shard { get; } = shard;

        public int NumShards { get; } = numShards;

        public long LastSeq { get; set; }

        public Dictionary<long, (string Type, long Uid)> Events { get; } = [];

        public Dictionary<long, long> HighestSentOn { get; } = [];
    }
}
