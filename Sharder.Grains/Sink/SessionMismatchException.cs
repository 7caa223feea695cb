namespace Sharder.Grains.Sink;

/// <summary>
/// The shard's checkpoint in Redis belongs to another session than the one being pushed. Start the new
/// session with a <see cref="ShardLifecycleMarkerKind.Reidentified"/> marker first, or resume the
/// checkpointed session.
/// </summary>
public sealed class SessionMismatchException : InvalidOperationException
{
    public SessionMismatchException()
    {
    }

    public SessionMismatchException(string message)
        : base(message)
    {
    }

    public SessionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionMismatchException(int shardId, string sessionId, string checkpointSessionId, long checkpointSequence)
        : base($"Shard {shardId} pushed events of session {sessionId}, but its checkpoint holds session "
            + $"{checkpointSessionId} at sequence {checkpointSequence}; publish a reidentified marker for the new session first.")
    {
        ShardId = shardId;
        SessionId = sessionId;
        CheckpointSessionId = checkpointSessionId;
        CheckpointSequence = checkpointSequence;
    }

    public int ShardId { get; }

    /// <summary>The session the refused call was for.</summary>
    public string? SessionId { get; }

    /// <summary>The session in the checkpoint.</summary>
    public string? CheckpointSessionId { get; }

    /// <summary>The checkpoint's sequence.</summary>
    public long CheckpointSequence { get; }
}
