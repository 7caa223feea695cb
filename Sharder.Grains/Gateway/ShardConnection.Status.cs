namespace Sharder.Grains.Gateway;

/// <summary>Observable state: the lifecycle state, the fatal error and the <see cref="ShardStatus"/> snapshot (from the parts that own each figure).</summary>
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
            var (sessionId, delivered) = _ledger.Snapshot();
            var lastReceived = _ledger.LastReceived;
            var (identifyFailures, identifyBackoffUntil) = _counters.IdentifyFailures();
            GatewayState state;
            DateTimeOffset stateSince;
            GatewayFatalCloseException? fatal;
            ConnectionScope? scope;
            lock (_lock)
            {
                state = _state;
                stateSince = _stateSince;
                fatal = _fatalError;
                scope = _currentScope;
            }

            return new ShardStatus
            {
                ShardId = ShardId,
                ShardCount = ShardCount,
                State = state,
                StateSince = stateSince,
                Latency = _counters.Latency,
                LastHeartbeatAck = _counters.LastHeartbeatAck,
                LastSequence = lastReceived == SessionLedger.NoSequence ? null : lastReceived,
                LastDeliveredSequence = delivered,
                SessionId = sessionId,
                Resumes = _counters.Resumes,
                Identifies = _counters.Identifies,
                Reconnects = _counters.Reconnects(),
                LastCloseCode = _counters.LastCloseCode,
                FatalReason = fatal?.Message,
                ReadingPaused = scope?.Heartbeat.IsReadingPaused ?? false,
                IdentifyFailures = identifyFailures,
                IdentifyBackoffUntil = identifyBackoffUntil is { } until && until > _timeProvider.GetUtcNow() ? until : null,
            };
        }
    }
}
