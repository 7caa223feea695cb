namespace Sharder.Bench.EndToEnd;

/// <summary>One measured load phase of one system (Sharder or the peer) in one configuration.</summary>
internal sealed record PhaseResult(
    string System,
    int Shards,
    string Compression,
    string Phase,
    int Events,
    int Delivered,
    double Seconds,
    double ProcessCpuSeconds,
    double RedisCpuSeconds,
    double DriverCpuSeconds,
    double? P50Ms,
    double? P99Ms,
    double? MaxMs,
    double? P99FromProduceMs,
    long RssBytes,
    double LoadAverage)
{
    public double EventsPerSecond => Seconds > 0 ? Delivered / Seconds : 0;

    /// <summary>CPU-seconds of the system's process per 100,000 delivered events.</summary>
    public double CpuPer100k => Delivered > 0 ? ProcessCpuSeconds * 100_000 / Delivered : 0;

    public double EventsPerCpuSecond => ProcessCpuSeconds > 0 ? Delivered / ProcessCpuSeconds : 0;

    /// <summary>The system's process CPU over the phase, in % of one core.</summary>
    public double CpuPercent => Seconds > 0 ? ProcessCpuSeconds / Seconds * 100 : 0;

    /// <summary>CPU of the benchmark's own process (the in-process simulator and the worker), in % of one core.</summary>
    public double DriverCpuPercent => Seconds > 0 ? DriverCpuSeconds / Seconds * 100 : 0;

    public double RedisCpuPer100k => Delivered > 0 ? RedisCpuSeconds * 100_000 / Delivered : 0;
}
