namespace Sharder.Grains.Gateway;

/// <summary>A point-in-time snapshot of one shard's connection. Never contains the token.</summary>
internal sealed class ShardStatus
{
    public required int ShardId { get; init; }

    public required int ShardCount { get; init; }

    public required GatewayState State { get; init; }

    /// <summary>When the shard entered <see cref="State"/>.</summary>
    public required DateTimeOffset StateSince { get; init; }

    /// <summary>Round trip of the last acknowledged heartbeat; null before the first ACK.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>When the last Heartbeat ACK was read; null before the first.</summary>
    public DateTimeOffset? LastHeartbeatAck { get; init; }

    /// <summary>The last sequence received from the gateway on the current session.</summary>
    public long? LastSequence { get; init; }

    /// <summary>The last sequence of the current session that the sink accepted.</summary>
    public long? LastDeliveredSequence { get; init; }

    /// <summary>The current session's id; null when there is none.</summary>
    public string? SessionId { get; init; }

    /// <summary>Sessions resumed successfully (RESUMED received).</summary>
    public required int Resumes { get; init; }

    /// <summary>Identify payloads sent.</summary>
    public required int Identifies { get; init; }

    /// <summary>Reconnects so far, by cause; causes that never happened are absent.</summary>
    public required IReadOnlyDictionary<ReconnectCause, int> Reconnects { get; init; }

    /// <summary>The close code of the last connection that ended with one (sent or received).</summary>
    public int? LastCloseCode { get; init; }

    /// <summary>Why the shard stopped for good, when <see cref="State"/> is <see cref="GatewayState.FatallyClosed"/>.</summary>
    public string? FatalReason { get; init; }

    /// <summary>Whether the read loop is waiting for room in the sink buffer (back-pressure).</summary>
    public required bool ReadingPaused { get; init; }

    /// <summary>Identifies in a row that ended without READY (op 9, a close, a dropped connection); 0 after READY.</summary>
    public int IdentifyFailures { get; init; }

    /// <summary>
    /// Set while the shard waits before its next Identify because <see cref="IdentifyFailures"/> reached the
    /// limit (see <see cref="GatewayOptions.IdentifyFailureBackoffBase"/>): when that wait ends.
    /// </summary>
    public DateTimeOffset? IdentifyBackoffUntil { get; init; }

    /// <summary>Total reconnects, all causes.</summary>
    public int TotalReconnects => Reconnects.Values.Sum();
}
