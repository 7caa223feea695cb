namespace Sharder.Grains.Interfaces.Models;

/// <summary>A snapshot of one shard activation. Never contains the token.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="ShardCount">The bot's shard count the shard runs with.</param>
/// <param name="Silo">The silo the activation runs on.</param>
/// <param name="ConnectionState">The gateway connection's state (Disconnected, Connecting, Identifying, Resuming, Active, ...).</param>
/// <param name="SessionId">The current gateway session; null when there is none.</param>
/// <param name="LastDeliveredSequence">The last sequence of the session that reached Redis; null when none.</param>
/// <param name="Epoch">The activation's fencing epoch in Redis.</param>
/// <param name="StartKind">How the activation began.</param>
/// <param name="ActivatedAt">When the activation started.</param>
/// <param name="HandoffGap">For a migration: from the previous activation starting to stop until this one started.</param>
/// <param name="Resumes">Sessions resumed by this activation.</param>
/// <param name="Identifies">Identify payloads sent by this activation.</param>
/// <param name="IsFenced">True when a newer activation took the shard over and this one is going away.</param>
[GenerateSerializer]
[Immutable]
public sealed record ShardGrainStatus(
    [property: Id(0)] int ShardId,
    [property: Id(1)] int ShardCount,
    [property: Id(2)] SiloAddress Silo,
    [property: Id(3)] string ConnectionState,
    [property: Id(4)] string? SessionId,
    [property: Id(5)] long? LastDeliveredSequence,
    [property: Id(6)] long Epoch,
    [property: Id(7)] ShardStartKind StartKind,
    [property: Id(8)] DateTimeOffset ActivatedAt,
    [property: Id(9)] TimeSpan? HandoffGap,
    [property: Id(10)] int Resumes,
    [property: Id(11)] int Identifies,
    [property: Id(12)] bool IsFenced)
{
    /// <summary>Identifies in a row that ended without READY (op 9, a close, a dropped connection); 0 after READY.</summary>
    [Id(20)]
    public int IdentifyFailures { get; init; }

    /// <summary>Set while the shard waits before identifying again because its Identifies keep failing: when the wait ends.</summary>
    [Id(21)]
    public DateTimeOffset? IdentifyBackoffUntil { get; init; }

    /// <summary>When the connection entered <see cref="ConnectionState"/> (for Active: the session's age on this connection).</summary>
    [Id(22)]
    public DateTimeOffset? StateSince { get; init; }

    /// <summary>Round trip of the last acknowledged heartbeat; null before the first ACK.</summary>
    [Id(23)]
    public TimeSpan? HeartbeatLatency { get; init; }

    /// <summary>The close code of the last connection that ended with one (sent or received).</summary>
    [Id(24)]
    public int? LastCloseCode { get; init; }

    /// <summary>Why the shard stopped for good, when it closed fatally.</summary>
    [Id(25)]
    public string? FatalReason { get; init; }

    /// <summary>Reconnects of this activation, all causes.</summary>
    [Id(26)]
    public int Reconnects { get; init; }

    /// <summary>Events the silo running the shard has published for it (since that silo first ran it).</summary>
    [Id(27)]
    public long EventsPublished { get; init; }

    /// <summary>When the last event reached Redis; null before the first.</summary>
    [Id(28)]
    public DateTimeOffset? LastEventAt { get; init; }

    /// <summary>
    /// The shard's generation: <c>in_service</c>, or during a resharding run <c>old</c> (being replaced) or
    /// <c>new</c> (taking over); <see cref="ShardCount"/> is its total.
    /// </summary>
    [Id(29)]
    public string Generation { get; init; } = "in_service";
}
