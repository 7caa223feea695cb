namespace Sharder.Grains.Coordination;

/// <summary>Discord's answer to <c>GET /gateway/bot</c>.</summary>
/// <param name="Url">Gateway URL to connect to (<c>url</c>).</param>
/// <param name="RecommendedShards">Recommended shard count (<c>shards</c>).</param>
/// <param name="SessionStartTotal">Session starts allowed per daily window (<c>session_start_limit.total</c>).</param>
/// <param name="SessionStartRemaining">Session starts left (<c>session_start_limit.remaining</c>).</param>
/// <param name="SessionStartResetAfter">Time until the budget resets (<c>reset_after</c>, sent in milliseconds); zero when no window runs.</param>
/// <param name="MaxConcurrency">Identify calls allowed per 5 s, one per rate-limit key (<c>max_concurrency</c>).</param>
internal sealed record GatewayBotInfo(
    Uri Url,
    int RecommendedShards,
    int SessionStartTotal,
    int SessionStartRemaining,
    TimeSpan SessionStartResetAfter,
    int MaxConcurrency);
