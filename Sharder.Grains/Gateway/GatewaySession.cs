namespace Sharder.Grains.Gateway;

/// <summary>
/// What a shard needs to resume its session on a new connection, possibly in another process: the
/// state handed from one connection (or grain activation) to the next.
/// </summary>
/// <param name="SessionId">The <c>session_id</c> from READY.</param>
/// <param name="Sequence">
/// The last dispatch sequence number (<c>s</c>) delivered to the sink, so a Resume replays everything
/// after it; 0 when nothing of this session was delivered yet.
/// </param>
/// <param name="ResumeUrl">The <c>resume_gateway_url</c> from READY.</param>
/// <param name="ShardId">Zero-based shard id the session was identified with.</param>
/// <param name="ShardCount">Total shard count the session was identified with.</param>
internal sealed record GatewaySession(string SessionId, long Sequence, string ResumeUrl, int ShardId, int ShardCount);
