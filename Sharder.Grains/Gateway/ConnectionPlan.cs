using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Gateway;

/// <summary>What the next connection will do: where it goes and whether it resumes or identifies.</summary>
/// <param name="Url">The full WebSocket URL, query included.</param>
/// <param name="Resume">The session to resume, at the last sequence delivered to the sink; null to identify a new one.</param>
/// <param name="Generation">The resumed session's generation (see <see cref="ShardConnection"/>); 0 when identifying.</param>
/// <param name="UsesResumeUrl">Whether <paramref name="Url"/> is the session's resume URL (not the bootstrap URL).</param>
internal sealed record ConnectionPlan(Uri Url, ShardSession? Resume, long Generation, bool UsesResumeUrl);
