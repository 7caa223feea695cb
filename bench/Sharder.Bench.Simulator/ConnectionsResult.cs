using Sharder.Simulator.Compression;

namespace Sharder.Bench.Simulator;

/// <summary>What a <c>--clients-only</c> run measured: the memory of N idle, READY connections.</summary>
internal sealed record ConnectionsResult(
    TransportCompression Mode,
    int Shards,
    TimeSpan Held,
    TimeSpan TimeToReady,
    int OpenAtEnd,
    long BaselineWorkingSetBytes,
    long WorkingSetBytes,
    long BaselineHeapBytes,
    long HeapBytes,
    double? HostLoad)
{
    /// <summary>Working-set growth per connection (client and server side, native compression state included).</summary>
    public double WorkingSetKilobytesPerConnection => (WorkingSetBytes - BaselineWorkingSetBytes) / 1024.0 / Shards;

    /// <summary>Managed-heap growth per connection after a full collection.</summary>
    public double HeapKilobytesPerConnection => (HeapBytes - BaselineHeapBytes) / 1024.0 / Shards;
}
