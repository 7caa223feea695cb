using Sharder.Simulator.Sessions;

namespace Sharder.Simulator;

/// <summary>A session as the control API shows it .</summary>
public sealed record SessionInfo(string Id, int ShardId, int NumShards, SessionState State, long Seq, int BufferDepth,
    string ResumeUrl, long? AttachedConnectionId, string? InvalidReason);
