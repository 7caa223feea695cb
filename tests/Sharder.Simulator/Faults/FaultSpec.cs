namespace Sharder.Simulator.Faults;

/// <summary>
/// One fault to inject: what (<see cref="Kind"/>), on which target, and when. With no target it hits
/// every connection (connection faults) or the next connection/identify/resume of any shard.
/// </summary>
public sealed record FaultSpec
{
    public required FaultKind Kind { get; init; }

    // ---- target ----
    public int? ShardId { get; init; }
    public long? ConnectionId { get; init; }
    public string? SessionId { get; init; }

    /// <summary>For handshake faults: how many upcoming connections get it.</summary>
    public int Count { get; init; } = 1;

    /// <summary>For handshake faults: only connections on this listener ("bootstrap", "resume-0", ...).</summary>
    public string? Listener { get; init; }

    // ---- trigger ----
    public FaultTrigger Trigger { get; init; } = FaultTrigger.Now;
    public int AfterDispatches { get; init; }
    public double Probability { get; init; }
    public int AtMs { get; init; }

    // ---- parameters ----
    public int? CloseCode { get; init; }
    public bool Resumable { get; init; }
    public int DelayMs { get; init; }
    public int Pieces { get; init; } = 3;
    public int FragmentSize { get; init; } = 16;
    public bool PingBetweenFragments { get; init; }
}
