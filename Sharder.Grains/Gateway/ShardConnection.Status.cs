namespace Sharder.Grains.Gateway;

/// <summary>Observable state: the lifecycle state, the fatal error and the <see cref="ShardStatus"/> snapshot.</summary>
internal sealed partial class ShardConnection
{
    public GatewayState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the shard stopped for good; null unless <see cref="State"/> is <see cref="GatewayState.FatallyClosed"/>.</summary>
    public GatewayFatalCloseException? FatalError
    {
        get
        {
            lock (_lock)
            {
                return _fatalError;
            }
        }
    }

    /// <summary>
    /// Completes when the shard has stopped: successfully after <see cref="StopAsync"/>, faulted with
    /// <see cref="GatewayFatalCloseException"/> after a fatal close.
    /// </summary>
    public Task Completion => _completion.Task;

    public ShardStatus Status
    {
        get
        {
            var latencyTicks = Interlocked.Read(ref _latencyTicks);
            var lastSequence = Interlocked.Read(ref _lastSequence);
            var lastAck = Interlocked.Read(ref _lastAckUtcTicks);
            lock (_lock)
            {
                var reconnects = new Dictionary<ReconnectCause, int>();
                for (var i = 0; i < _reconnects.Length; i++)
                {
                    if (_reconnects[i] > 0)
                    {
                        reconnects[(ReconnectCause)i] = _reconnects[i];
                    }
                }

                return new ShardStatus
                {
                    ShardId = ShardId,
                    ShardCount = ShardCount,
                    State = _state,
                    StateSince = _stateSince,
                    Latency = latencyTicks < 0 ? null : TimeSpan.FromTicks(latencyTicks),
                    LastHeartbeatAck = lastAck < 0 ? null : new DateTimeOffset(lastAck, TimeSpan.Zero),
                    LastSequence = lastSequence == NoSequence ? null : lastSequence,
                    LastDeliveredSequence = _session is { } session && DeliveredSequenceLocked(session.Generation) is >= 0 and var delivered ? delivered : null,
                    SessionId = _session?.Id,
                    Resumes = _resumes,
                    Identifies = _identifies,
                    Reconnects = reconnects,
                    LastCloseCode = _lastCloseCode,
                    FatalReason = _fatalError?.Message,
                    ReadingPaused = _currentScope?.Heartbeat.IsReadingPaused ?? false,
                    IdentifyFailures = _identifyFailures,
                    IdentifyBackoffUntil = _identifyBackoffUntil is { } until && until > _timeProvider.GetUtcNow() ? until : null,
                };
            }
        }
    }
}
