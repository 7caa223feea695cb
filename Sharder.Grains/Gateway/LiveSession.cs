namespace Sharder.Grains.Gateway;

/// <summary>The session a shard runs now: its id, where to resume it and its generation (see <see cref="SessionLedger"/>).</summary>
/// <param name="Id">The <c>session_id</c>.</param>
/// <param name="ResumeUrl">The resume URL <see cref="ResumeUrlPolicy"/> accepted; empty when none was.</param>
/// <param name="ResumeBase">The base of <paramref name="ResumeUrl"/> to connect to; null when the URL is unusable or untrusted.</param>
/// <param name="Generation">This session start's number, unique within the connection.</param>
internal sealed record LiveSession(string Id, string ResumeUrl, Uri? ResumeBase, long Generation);
