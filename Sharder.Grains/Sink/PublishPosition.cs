namespace Sharder.Grains.Sink;

/// <summary>
/// Where a writer stands in its session start, so the push script can tell a checkpoint that describes
/// it from one that Redis lost, rolled back or that another start left behind (see <see cref="RedisScripts.PublishText"/>).
/// </summary>
/// <param name="StartId">The session start's unique id; null when unknown (the start is then not compared).</param>
/// <param name="Sequence">The checkpoint sequence the writer last saw for this start: -1 none yet; null unknown.</param>
internal readonly record struct PublishPosition(string? StartId, long? Sequence);
