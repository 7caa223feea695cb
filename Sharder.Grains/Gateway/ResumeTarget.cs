namespace Sharder.Grains.Gateway;

/// <summary>The session a connection resumes and the sequence to resume after.</summary>
internal sealed record ResumeTarget(string SessionId, long Sequence);
