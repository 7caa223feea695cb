namespace Sharder.Grains.Gateway;

/// <summary>
/// What a shard's connection counts for its <see cref="ShardStatus"/>: resumes, identifies, reconnects by cause,
/// the last close code, heartbeat figures and the run of failed Identifies. Written by the connection's loops
/// and read by status readers at any time: atomics, and one small lock for the identify failures (a count and
/// a deadline that change together).
/// </summary>
internal sealed class ConnectionCounters
{
    private const long None = -1;

    private readonly int[] _reconnects = new int[Enum.GetValues<ReconnectCause>().Length];
    private readonly Lock _identifyLock = new();
    private int _resumes;
    private int _identifies;
    private long _lastCloseCode = None;
    private long _latencyTicks = None;
    private long _lastAckUtcTicks = None;

    // Guarded by _identifyLock.
    private int _identifyFailures;
    private DateTimeOffset? _identifyBackoffUntil;

    /// <summary>Sessions resumed (RESUMED received).</summary>
    public int Resumes => Volatile.Read(ref _resumes);

    /// <summary>Identify payloads sent.</summary>
    public int Identifies => Volatile.Read(ref _identifies);

    /// <summary>The close code of the last connection that ended with one (sent or received).</summary>
    public int? LastCloseCode => Interlocked.Read(ref _lastCloseCode) is >= 0 and var code ? (int)code : null;

    /// <summary>Round trip of the last acknowledged heartbeat; null before the first ACK.</summary>
    public TimeSpan? Latency => Interlocked.Read(ref _latencyTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>When the last Heartbeat ACK was read; null before the first.</summary>
    public DateTimeOffset? LastHeartbeatAck
        => Interlocked.Read(ref _lastAckUtcTicks) is >= 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void OnResumed() => Interlocked.Increment(ref _resumes);

    public void OnIdentified() => Interlocked.Increment(ref _identifies);

    public void OnReconnect(ReconnectCause cause) => Interlocked.Increment(ref _reconnects[(int)cause]);

    /// <summary>A connection ended; <paramref name="code"/> is the close code sent or received, null when none (the last one stays).</summary>
    public void OnClosed(int? code)
    {
        if (code is { } value)
        {
            Interlocked.Exchange(ref _lastCloseCode, value);
        }
    }

    public void OnHeartbeatAck(DateTimeOffset at, TimeSpan? latency)
    {
        Interlocked.Exchange(ref _lastAckUtcTicks, at.UtcTicks);
        if (latency is { } rtt)
        {
            Interlocked.Exchange(ref _latencyTicks, rtt.Ticks);
        }
    }

    /// <summary>Reconnects so far, by cause; causes that never happened are absent.</summary>
    public IReadOnlyDictionary<ReconnectCause, int> Reconnects()
    {
        var reconnects = new Dictionary<ReconnectCause, int>();
        for (var i = 0; i < _reconnects.Length; i++)
        {
            if (Volatile.Read(ref _reconnects[i]) is > 0 and var count)
            {
                reconnects[(ReconnectCause)i] = count;
            }
        }

        return reconnects;
    }

    /// <summary>READY arrived: the run of failed Identifies is over.</summary>
    public void OnReady()
    {
        lock (_identifyLock)
        {
            _identifyFailures = 0;
            _identifyBackoffUntil = null;
        }
    }

    /// <summary>An Identify ended without READY: counts it and sets the wait <paramref name="backoffFor"/> gives for the new count.</summary>
    public (int Failures, TimeSpan Backoff) OnIdentifyFailed(Func<int, TimeSpan> backoffFor, DateTimeOffset now)
    {
        lock (_identifyLock)
        {
            var failures = ++_identifyFailures;
            var backoff = backoffFor(failures);
            _identifyBackoffUntil = backoff > TimeSpan.Zero ? now + backoff : null;
            return (failures, backoff);
        }
    }

    /// <summary>Identifies in a row that ended without READY, and when the wait they imposed ends (null: none).</summary>
    public (int Failures, DateTimeOffset? BackoffUntil) IdentifyFailures()
    {
        lock (_identifyLock)
        {
            return (_identifyFailures, _identifyBackoffUntil);
        }
    }
}
