namespace Sharder.Simulator.Ledger;

/// <summary>
/// Append-only ground truth of a simulator run. The protocol layer records every routed dispatch,
/// every send, every undeliverable event and every session, heartbeat and close event. All methods are
/// thread-safe; one lock and plain lists keep a record at well under a microsecond.
/// </summary>
public sealed class GatewayLedger
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<ProducedRecord> _produced = [];
    private readonly List<RoutedRecord> _routed = [];
    private readonly List<SentRecord> _sent = [];
    private readonly List<UndeliverableRecord> _undeliverable = [];
    private readonly List<SessionRecord> _sessions = [];
    private readonly List<HeartbeatRecord> _heartbeats = [];
    private readonly List<CloseRecord> _closes = [];
    private readonly List<IdentifyViolationRecord> _identifyViolations = [];
    private readonly List<CommandPeakRecord> _commandPeaks = [];
    private long _order;

    public GatewayLedger(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public int RoutedCount
    {
        get
        {
            lock (_gate)
            {
                return _routed.Count;
            }
        }
    }

    public int SentCount
    {
        get
        {
            lock (_gate)
            {
                return _sent.Count;
            }
        }
    }

    /// <summary>The world produced an event and the router offers it to every identified layout.</summary>
    public void Produced(long eventUid, string type, ulong? guildId, DateTimeOffset producedAt)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            _produced.Add(new ProducedRecord(++_order, eventUid, type, guildId, producedAt));
        }
    }

    /// <summary>A dispatch got sequence <paramref name="seq"/> in session <paramref name="sessionId"/> (routed to that session).</summary>
    public void Routed(long appId, string sessionId, int shardId, int numShards, long seq, string type, long eventUid, ulong? guildId, DateTimeOffset producedAt)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(type);
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _routed.Add(new RoutedRecord(++_order, at, appId, sessionId, shardId, numShards, seq, type, eventUid, guildId, producedAt));
        }
    }

    public void Sent(string sessionId, long seq, long connectionId, DeliveryKind kind)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _sent.Add(new SentRecord(++_order, at, sessionId, seq, connectionId, kind));
        }
    }

    /// <summary>An event that had no session for its shard: record why.</summary>
    public void Undeliverable(long appId, int shardId, int numShards, string type, long eventUid, ulong? guildId, DateTimeOffset producedAt, string reason)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(reason);
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _undeliverable.Add(new UndeliverableRecord(++_order, at, appId, shardId, numShards, type, eventUid, guildId, producedAt, reason));
        }
    }

    public void Session(SessionEventKind kind, long appId, int shardId, int numShards, string? sessionId, long connectionId, string listener, string detail, bool causedByInjectedFault, int? serverCloseCode = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(detail);
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _sessions.Add(new SessionRecord(++_order, at, kind, appId, shardId, numShards, sessionId, connectionId, listener, detail, causedByInjectedFault, serverCloseCode));
        }
    }

    public void Heartbeat(long connectionId, string? sessionId, long? clientSeq, long highestSentSeq)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _heartbeats.Add(new HeartbeatRecord(++_order, at, connectionId, sessionId, clientSeq, highestSentSeq));
        }
    }

    public void Close(long connectionId, string? sessionId, int shardId, bool byServer, int? code, bool closeFrame)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _closes.Add(new CloseRecord(++_order, at, connectionId, sessionId, shardId, byServer, code, closeFrame));
        }
    }

    public void IdentifyViolation(long appId, int shardId, int rateLimitKey, TimeSpan gapSinceLast)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _identifyViolations.Add(new IdentifyViolationRecord(++_order, at, appId, shardId, rateLimitKey, gapSinceLast));
        }
    }

    public void CommandPeak(long connectionId, int peakIn60s)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            _commandPeaks.Add(new CommandPeakRecord(++_order, at, connectionId, peakIn60s));
        }
    }

    /// <summary>An immutable copy of everything recorded so far.</summary>
    public LedgerSnapshot Snapshot()
    {
        var takenAt = _time.GetUtcNow();
        lock (_gate)
        {
            return new LedgerSnapshot(
                takenAt,
                Array.AsReadOnly(_routed.ToArray()),
                Array.AsReadOnly(_sent.ToArray()),
                Array.AsReadOnly(_undeliverable.ToArray()),
                Array.AsReadOnly(_sessions.ToArray()),
                Array.AsReadOnly(_heartbeats.ToArray()),
                Array.AsReadOnly(_closes.ToArray()),
                Array.AsReadOnly(_identifyViolations.ToArray()),
                Array.AsReadOnly(_commandPeaks.ToArray()),
                Array.AsReadOnly(_produced.ToArray()));
        }
    }
}
