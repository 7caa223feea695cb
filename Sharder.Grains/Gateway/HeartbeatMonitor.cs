namespace Sharder.Grains.Gateway;

/// <summary>
/// Heartbeat bookkeeping for one connection: latency and zombie detection.
/// </summary>
/// <remarks>
/// Policy (Discord's documented rule, stricter than twilight's): a connection is a zombie when no
/// Heartbeat ACK (op 11) arrived between one scheduled heartbeat and the next. Other traffic, dispatches
/// included, does not count as liveness, because a gateway that streams events but drops heartbeats is
/// about to close the session anyway. An ACK answers any heartbeat, including one the gateway asked for
/// with op 1, so an op-1 heartbeat never makes the scheduled check fail. While the read loop is paused
/// on purpose (sink back-pressure) ACKs cannot be read, so a pause at any time since the last scheduled
/// heartbeat suspends the check for that interval. Thread-safe.
/// </remarks>
internal sealed class HeartbeatMonitor
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private long? _lastSentAt;
    private bool _scheduledBeatSent;
    private bool _ackedSinceScheduledBeat;
    private bool _pausedSinceScheduledBeat;
    private bool _readingPaused;
    private TimeSpan? _latency;

    public HeartbeatMonitor(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>Round trip of the last acknowledged heartbeat.</summary>
    public TimeSpan? Latency
    {
        get
        {
            lock (_lock)
            {
                return _latency;
            }
        }
    }

    public bool IsReadingPaused
    {
        get
        {
            lock (_lock)
            {
                return _readingPaused;
            }
        }
    }

    /// <summary>Checked before each scheduled heartbeat: true when the previous scheduled one went unanswered.</summary>
    public bool IsZombie()
    {
        lock (_lock)
        {
            return _scheduledBeatSent && !_ackedSinceScheduledBeat && !_pausedSinceScheduledBeat && !_readingPaused;
        }
    }

    /// <summary>Records a heartbeat; <paramref name="scheduled"/> is false for one the gateway asked for (op 1).</summary>
    public void OnHeartbeatSent(bool scheduled)
    {
        lock (_lock)
        {
            _lastSentAt = _timeProvider.GetTimestamp();
            if (scheduled)
            {
                _scheduledBeatSent = true;
                _ackedSinceScheduledBeat = false;
                _pausedSinceScheduledBeat = _readingPaused;
            }
        }
    }

    public void OnAckReceived()
    {
        lock (_lock)
        {
            if (_lastSentAt is { } sentAt)
            {
                _latency = _timeProvider.GetElapsedTime(sentAt);
            }

            _ackedSinceScheduledBeat = true;
        }
    }

    public void PauseReading()
    {
        lock (_lock)
        {
            _readingPaused = true;
            _pausedSinceScheduledBeat = true;
        }
    }

    public void ResumeReading()
    {
        lock (_lock)
        {
            _readingPaused = false;
        }
    }
}
