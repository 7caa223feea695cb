namespace Sharder.Bench.Gateway.HotPath;

/// <summary>One timed replay of a recorded stream, first message excluded.</summary>
/// <param name="Frames">Frames inside the measured window.</param>
/// <param name="DecompressedBytes">JSON bytes the decompressor produced inside the window.</param>
/// <param name="AllocatedBytes">Managed bytes the replaying thread allocated inside the window.</param>
/// <param name="CpuTime">Process CPU time inside the window; below <paramref name="Elapsed"/> when other processes took the core.</param>
internal readonly record struct PassResult(
    bool CopyToSink,
    int Frames,
    TimeSpan Elapsed,
    TimeSpan CpuTime,
    long DecompressedBytes,
    long AllocatedBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections)
{
    public double FramesPerSecond => Frames / Elapsed.TotalSeconds;

    /// <summary>Decompressed megabytes (10^6) per second.</summary>
    public double MegabytesPerSecond => DecompressedBytes / 1e6 / Elapsed.TotalSeconds;

    /// <summary>CPU time over wall time: about 1 when the replay had a core to itself.</summary>
    public double CpuShare => CpuTime / Elapsed;

    /// <summary>Frames per second of CPU time: what the rate would be with a core to itself.</summary>
    public double FramesPerCpuSecond => Frames / CpuTime.TotalSeconds;

    public double AllocatedBytesPerFrame => (double)AllocatedBytes / Frames;
}
