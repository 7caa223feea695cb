namespace Sharder.Grains.Sink;

/// <summary>
/// A lifecycle entry for workers, written by <see cref="RedisEventPublisher.PublishMarkerAsync"/>. The
/// previous session and sequence of a <see cref="ShardLifecycleMarkerKind.Reidentified"/> marker are
/// taken from the checkpoint in Redis, which is what workers actually received.
/// </summary>
internal sealed record ShardLifecycleMarker
{
    private ShardLifecycleMarker(
        ShardLifecycleMarkerKind kind, string sessionId, long sequence, string? resumeUrl, string? startId, long? knownPosition)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (knownPosition is { } position)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(position, -1, nameof(knownPosition));
        }

        Kind = kind;
        SessionId = sessionId;
        Sequence = sequence;
        ResumeUrl = resumeUrl;
        StartId = startId;
        KnownPosition = knownPosition;
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

    /// <summary>
    /// For <see cref="ShardLifecycleMarkerKind.Reidentified"/>: the session start's unique id. Repeating the
    /// marker with the same id is a retry and changes nothing; another id resets the checkpoint even when
    /// the gateway handed back a session id it used before.
    /// </summary>
    public string? StartId { get; }

    /// <summary>
    /// For <see cref="ShardLifecycleMarkerKind.Resumed"/>: the last sequence the shard knows reached Redis
    /// in this session (-1 none), or null when it does not know. A checkpoint below it was rolled back.
    /// </summary>
    public long? KnownPosition { get; }

    /// <summary>The shard resumed <paramref name="sessionId"/> after <paramref name="sequence"/>.</summary>
    public static ShardLifecycleMarker Resumed(string sessionId, long sequence, string? resumeUrl = null, long? knownPosition = null)
        => new(ShardLifecycleMarkerKind.Resumed, sessionId, sequence, resumeUrl, null, knownPosition);

    /// <summary>
    /// The shard identified again and now runs the new session <paramref name="sessionId"/>; without a
    /// <paramref name="startId"/> the session id stands for the start (a repeat of the same id is a retry).
    /// </summary>
    public static ShardLifecycleMarker Reidentified(string sessionId, string? resumeUrl = null, string? startId = null)
        => new(ShardLifecycleMarkerKind.Reidentified, sessionId, 0, resumeUrl, string.IsNullOrEmpty(startId) ? sessionId : startId, null);
}
