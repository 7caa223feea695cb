namespace Sharder.Grains.Shards;

/// <summary>
/// What a migrating shard activation hands to the next one (through dehydration): the session to resume.
/// </summary>
/// <param name="SessionId">The gateway session.</param>
/// <param name="Sequence">The last sequence delivered to Redis; the resume replays everything after it.</param>
/// <param name="ResumeUrl">The session's <c>resume_gateway_url</c>.</param>
/// <param name="ShardCount">The shard count the session was identified with.</param>
/// <param name="StopStartedAt">When the old activation began to stop (to measure the hand-off gap).</param>
[GenerateSerializer]
[Immutable]
internal sealed record ShardHandoff(
    [property: Id(0)] string SessionId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string ResumeUrl,
    [property: Id(3)] int ShardCount,
    [property: Id(4)] DateTimeOffset StopStartedAt);
