namespace Sharder.Grains.Interfaces.Models;

/// <summary>
/// One gateway session at a point of its stream: what a shard needs to resume it. The one shape used by the
/// Redis checkpoint (with its fencing epoch), the hand-off to the next activation (grain migration), the
/// connection's resume and the session a new one replaced. Which shard it belongs to is where it is kept (the
/// checkpoint's key, the grain, the connection), so it does not repeat it.
/// </summary>
/// <param name="SessionId">The <c>session_id</c> from READY.</param>
/// <param name="Sequence">
/// The last dispatch sequence (<c>s</c>) of the session that reached Redis (or was skipped by the event filter),
/// so a Resume replays everything after it; 0 when nothing of the session did yet.
/// </param>
/// <param name="ResumeUrl">The session's <c>resume_gateway_url</c> from READY; null or empty when not known.</param>
/// <remarks>Carried by grain migration (dehydration): the ids are fixed, never renumber them.</remarks>
[GenerateSerializer]
[Immutable]
public sealed record ShardSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string? ResumeUrl);
