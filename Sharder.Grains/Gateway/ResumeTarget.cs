namespace Sharder.Grains.Gateway;

/// <summary>The session a connection resumes, the sequence to resume after, and the session's generation (see <see cref="ShardConnection"/>).</summary>
internal sealed record ResumeTarget(string SessionId, long Sequence, long Generation);
