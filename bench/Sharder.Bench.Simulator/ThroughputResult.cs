using Sharder.Simulator.Compression;

namespace Sharder.Bench.Simulator;

/// <summary>What the measured window of one load run measured (warm-up excluded).</summary>
internal sealed record ThroughputResult(
    TransportCompression Mode,
    int Shards,
    TimeSpan Window,
    TimeSpan TimeToReady,
    long Emitted,
    long Routed,
    long Received,
    long WireBytes,
    long PayloadBytes,
    ProcessSample Before,
    ProcessSample After,
    long LagAtEnd,
    TimeSpan Drain,
    long LostAfterDrain,
    double? HostLoad)
{
    public double RoutedPerSecond => Routed / Window.TotalSeconds;

    public double ReceivedPerSecond => Received / Window.TotalSeconds;

    /// <summary>Megabytes (10^6 bytes) per second of WebSocket frames the clients read.</summary>
    public double WireMegabytesPerSecond => WireBytes / 1e6 / Window.TotalSeconds;

    public double WireBytesPerEvent => Received == 0 ? 0 : (double)WireBytes / Received;

    public double CpuPercent => ProcessSample.CpuPercent(Before, After, Window);

    /// <summary>
    /// Process CPU time per received event, in microseconds. Steadier than the rates on a shared host, since it
    /// does not depend on how much CPU the process got; cores / this = the rate the process could reach alone.
    /// </summary>
    public double CpuMicrosecondsPerEvent => Received == 0 ? 0 : (After.CpuTime - Before.CpuTime).TotalMicroseconds / Received;

    public double AllocatedMegabytesPerSecond => (After.AllocatedBytes - Before.AllocatedBytes) / 1e6 / Window.TotalSeconds;

    public double LockContentionsPerSecond => (After.LockContentions - Before.LockContentions) / Window.TotalSeconds;

    public double WorkItemsPerSecond => (After.ThreadPoolWorkItems - Before.ThreadPoolWorkItems) / Window.TotalSeconds;
}
