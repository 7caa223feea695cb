namespace Sharder.Grains.Diagnostics;

/// <summary>One shard's connection figures at a metrics collection; the enum values arrive as their names (the tag values).</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="ShardCount">Its generation's shard total (two run side by side during a resharding run).</param>
/// <param name="State">Its connection state.</param>
/// <param name="HeartbeatRtt">Round trip of its last acknowledged heartbeat; null before the first.</param>
/// <param name="Identifies">Identify payloads its current activation sent.</param>
/// <param name="Resumes">Sessions its current activation resumed.</param>
/// <param name="Reconnects">Reconnects of its current activation, by cause.</param>
internal sealed record ShardGaugeReading(
    int ShardId,
    int ShardCount,
    string State,
    TimeSpan? HeartbeatRtt,
    long Identifies,
    long Resumes,
    IReadOnlyList<KeyValuePair<string, int>> Reconnects);
