using System.Security.Cryptography;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Sink;

/// <summary>A session began on a shard: a new one (READY) or an old one continued (RESUMED).</summary>
internal sealed class SessionStart
{
    /// <summary>
    /// Identifies this start, unique across processes (64 random bits, 16 lowercase hex characters). Every
    /// Identify's READY gets a new one even when the gateway hands back a session id it used before, and a
    /// retried delivery of the same start carries the same value, so a sink can make the start idempotent.
    /// </summary>
    public string StartId { get; init; } = NewStartId();

    public required int ShardId { get; init; }

    public required string SessionId { get; init; }

    /// <summary>
    /// The session's <c>resume_gateway_url</c> (from READY; for RESUMED the one the session had), for the
    /// sink to store with the checkpoint; null when the connection no longer knew it.
    /// </summary>
    public string? ResumeUrl { get; init; }

    /// <summary>True after RESUMED (no events were lost); false for a new session from READY.</summary>
    public required bool Resumed { get; init; }

    /// <summary>
    /// For a new session that replaced an earlier one: that session, at the last sequence that reached the
    /// sink (0: none). Events after it were never delivered and are gone for good.
    /// </summary>
    public ShardSession? Replaced { get; init; }

    /// <summary>A fresh <see cref="StartId"/>.</summary>
    public static string NewStartId() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    public override string ToString() => Replaced is not { } replaced
        ? $"Shard {ShardId} session {SessionId} ({(Resumed ? "resumed" : "new")}, start {StartId})"
        : $"Shard {ShardId} session {SessionId} (new, start {StartId}; replaced {replaced.SessionId} after seq {replaced.Sequence})";
}
