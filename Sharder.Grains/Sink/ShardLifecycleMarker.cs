namespace Sharder.Grains.Sink;

/// <summary>
/// A lifecycle entry for workers, written by <see cref="RedisEventPublisher.PublishMarkerAsync"/>. The
/// previous session and sequence of a <see cref="ShardLifecycleMarkerKind.Reidentified"/> marker are
/// taken from the checkpoint in Redis, which is what workers actually received.
/// </summary>
internal sealed record ShardLifecycleMarker
{
    private ShardLifecycleMarker(ShardLifecycleMarkerKind kind, string sessionId, long sequence, string? resumeUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Kind = kind;
        SessionId = sessionId;
        Sequence = sequence;
        ResumeUrl = resumeUrl;
    }

    public ShardLifecycleMarkerKind Kind { get; }

    /// <summary>The session that is now live on the shard.</summary>
    public string SessionId { get; }

    /// <summary>
    /// For <see cref="ShardLifecycleMarkerKind.Resumed"/>: the sequence sent in RESUME. Used only when
    /// Redis has no checkpoint for the shard; otherwise the checkpoint's sequence is reported. Zero for
    /// <see cref="ShardLifecycleMarkerKind.Reidentified"/>.
    /// </summary>
    public long Sequence { get; }

    /// <summary>The session's <c>resume_gateway_url</c>, stored in the checkpoint when given.</summary>
    public string? ResumeUrl { get; }

    /// <summary>The shard resumed <paramref name="sessionId"/> after <paramref name="sequence"/>.</summary>
    public static ShardLifecycleMarker Resumed(string sessionId, long sequence, string? resumeUrl = null)
        => new(ShardLifecycleMarkerKind.Resumed, sessionId, sequence, resumeUrl);

    /// <summary>The shard identified again and now runs the new session <paramref name="sessionId"/>.</summary>
    public static ShardLifecycleMarker Reidentified(string sessionId, string? resumeUrl = null)
        => new(ShardLifecycleMarkerKind.Reidentified, sessionId, 0, resumeUrl);
}
