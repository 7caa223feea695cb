namespace Sharder.Bench.EndToEnd;

/// <summary>Everything one run measured; serialised as the run's JSON.</summary>
internal sealed class BenchReport(DateTimeOffset startedAt, int cores, bool quick)
{
    public DateTimeOffset StartedAt => startedAt;
    public int Cores => cores;
    public bool Quick => quick;
    public List<PhaseResult> Phases { get; } = [];
    public List<CeilingResult> Ceilings { get; } = [];
    public List<IdleResult> Idle { get; } = [];
    public string? Failure { get; set; }
}

/// <summary>redis-benchmark pipelined RPUSH with the Sharder entries' mean size, in one configuration.</summary>
internal sealed record CeilingResult(int Shards, string Compression, int ValueBytes, double PushesPerSecond, double RedisCpuPer100k);

/// <summary>One silo holding <paramref name="Shards"/> idle zlib-stream shards.</summary>
internal sealed record IdleResult(int Shards, double StartSeconds, long RssBytes, long AnonymousRssBytes, double CpuPercent, double WindowSeconds, double LoadAverage);
