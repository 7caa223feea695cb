using Sharder.Simulator.Apps;
using Sharder.Simulator.Events;
using Sharder.Simulator.Gateway;
using Sharder.Simulator.Ledger;

namespace Sharder.Simulator.Sessions;

/// <summary>
/// A gateway session. Every dispatch for it is numbered, buffered and, when a connection is
/// attached, handed to that connection's writer, all under one lock so order always holds.
/// </summary>
internal sealed class SimSession
{
    private readonly object _gate = new();
    private readonly ReplayBuffer _buffer;
    private readonly GatewayLedger _ledger;
    private readonly TimeProvider _time;
    private readonly int _resumeWindowMs;
    private long _seq;
    private GatewayConnection? _attached;
    private DateTimeOffset _detachedAt;

    public SimSession(SimApp app, string id, int shardId, int numShards, int intents, int largeThreshold,
        string resumeUrl, string resumeListener, int replayDepth, int resumeWindowMs, GatewayLedger ledger, TimeProvider time, long firstSeq = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstSeq);
        _seq = firstSeq - 1;
        App = app;
        Id = id;
        ShardId = shardId;
        NumShards = numShards;
        Intents = intents;
        LargeThreshold = largeThreshold;
        ResumeUrl = resumeUrl;
        ResumeListener = resumeListener;
        _buffer = new ReplayBuffer(replayDepth);
        _resumeWindowMs = resumeWindowMs;
        _ledger = ledger;
        _time = time;
    }

    public SimApp App { get; }
    public string Id { get; }
    public int ShardId { get; }
    public int NumShards { get; }
    public int Intents { get; }
    public int LargeThreshold { get; }
    public string ResumeUrl { get; }
    public string ResumeListener { get; }
    public SessionState State { get; private set; } = SessionState.Attached;
    public string? InvalidReason { get; private set; }

    public long Seq
    {
        get { lock (_gate) return _seq; }
    }

    public int BufferDepth
    {
        get { lock (_gate) return _buffer.Count; }
    }

    public GatewayConnection? AttachedConnection
    {
        get { lock (_gate) return _attached; }
    }

    /// <summary>Numbers and forwards one dispatch. Returns false when the session can no longer take events.</summary>
    public bool TryDispatch(string type, long eventUid, ulong? guildId, ReadOnlyMemory<byte> data, DateTimeOffset producedAt)
    {
        lock (_gate)
        {
            if (!IsLiveLocked()) return false;
            var seq = ++_seq;
            var item = new BufferedDispatch(seq, type, eventUid, data);
            _buffer.Add(item);
            _ledger.Routed(App.Id, Id, ShardId, NumShards, seq, type, eventUid, guildId, producedAt);
            _attached?.EnqueueDispatch(this, item, DeliveryKind.Live);
            return true;
        }
    }

    /// <summary>Runs <paramref name="action"/> under the session's lock, so no routed event can slip in
    /// between the dispatches it makes (the lock is reentrant).</summary>
    public void Atomically(Action action)
    {
        lock (_gate) action();
    }

    /// <summary>Attaches a connection after READY (the session's first connection).</summary>
    public void AttachNew(GatewayConnection connection)
    {
        lock (_gate)
        {
            _attached = connection;
            State = SessionState.Attached;
        }
    }

    /// <summary>RESUME: takes over from any other connection, replays every buffered dispatch after
    /// <paramref name="fromSeq"/>, then RESUMED. Returns the connection that held the session before.</summary>
    public ResumeOutcome Resume(GatewayConnection connection, long fromSeq, ReadOnlyMemory<byte> resumedData, Func<long> nextUid)
    {
        lock (_gate)
        {
            if (!IsLiveLocked()) return new ResumeOutcome(ResumeResult.SessionInvalid, null);
            if (fromSeq > _seq) return new ResumeOutcome(ResumeResult.SeqAhead, null);
            var replay = new List<BufferedDispatch>();
            if (!_buffer.TryCollectAfter(fromSeq, _seq, replay)) return new ResumeOutcome(ResumeResult.TooOld, null);

            var previous = _attached;
            _attached = connection;
            State = SessionState.Attached;
            foreach (var item in replay) connection.EnqueueDispatch(this, item, DeliveryKind.Replay);

            var seq = ++_seq;
            var resumed = new BufferedDispatch(seq, "RESUMED", nextUid(), resumedData);
            _buffer.Add(resumed);
            _ledger.Routed(App.Id, Id, ShardId, NumShards, seq, resumed.Type, resumed.EventUid, null, _time.GetUtcNow());
            connection.EnqueueDispatch(this, resumed, DeliveryKind.Live);
            return new ResumeOutcome(ResumeResult.Resumed, previous == connection ? null : previous, replay.Count);
        }
    }

    /// <summary>The connection went away without invalidating the session: start the resume window.</summary>
    public bool Detach(GatewayConnection connection)
    {
        lock (_gate)
        {
            if (_attached != connection || State != SessionState.Attached) return false;
            _attached = null;
            State = SessionState.Detached;
            _detachedAt = _time.GetUtcNow();
            return true;
        }
    }

    /// <summary>Ends the session for good (op 9 false, 1000/1001 from the client, expiry, fatal codes).</summary>
    public bool Invalidate(string reason)
    {
        lock (_gate)
        {
            if (State == SessionState.Invalidated) return false;
            State = SessionState.Invalidated;
            InvalidReason = reason;
            _attached = null;
            return true;
        }
    }

    /// <summary>An injected expiry: invalidates the session, records it and drops it from its app. False when it was already gone.</summary>
    /// <param name="connectionId">The connection the fault targeted; 0 when it targeted sessions directly.</param>
    /// <param name="listener">Where the ledger records the session as being.</param>
    public bool ExpireByFault(long connectionId, string listener)
    {
        const string Reason = "expired (injected)";
        if (!Invalidate(Reason)) return false;
        _ledger.Session(SessionEventKind.Expired, App.Id, ShardId, NumShards, Id, connectionId, listener, "injected expiry", causedByInjectedFault: true);
        App.Forget(this, Reason);
        return true;
    }

    /// <summary>True while the session can still be resumed; expires it lazily once the window passed.</summary>
    public bool IsLive()
    {
        lock (_gate) return IsLiveLocked();
    }

    private bool IsLiveLocked()
    {
        if (State == SessionState.Invalidated) return false;
        if (State == SessionState.Detached && (_time.GetUtcNow() - _detachedAt).TotalMilliseconds > _resumeWindowMs)
        {
            State = SessionState.Invalidated;
            InvalidReason = "expired";
            _ledger.Session(SessionEventKind.Expired, App.Id, ShardId, NumShards, Id, 0, ResumeListener, "resume window elapsed", causedByInjectedFault: false);
            return false;
        }

        return true;
    }
}
