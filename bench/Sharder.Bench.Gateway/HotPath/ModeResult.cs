using Sharder.Grains.Gateway.Compression;

namespace Sharder.Bench.Gateway.HotPath;

/// <summary>All measured replays of one compression mode.</summary>
/// <param name="Failure">The first verification failure, or <see langword="null"/> when every replay checked out.</param>
internal sealed record ModeResult(
    GatewayCompression Mode,
    int StreamFrames,
    long WireBytes,
    long JsonBytes,
    IReadOnlyList<PassResult> CopyRuns,
    IReadOnlyList<PassResult> NoCopyRuns,
    StageAllocations Stages,
    int LastPeeked,
    long LastSequence,
    string? Failure)
{
    public bool Verified => Failure is null;

    /// <summary>The fastest run: load from other processes only ever adds time, so the fastest is closest to the code's own cost.</summary>
    public PassResult BestCopy => Fastest(CopyRuns);

    public PassResult BestNoCopy => Fastest(NoCopyRuns);

    /// <summary>The worst run: steady state should not vary, so any difference between runs is worth seeing.</summary>
    public double AllocatedPerFrameCopy => CopyRuns.Max(run => run.AllocatedBytesPerFrame);

    public double AllocatedPerFrameNoCopy => NoCopyRuns.Max(run => run.AllocatedBytesPerFrame);

    public int Gen0Copy => CopyRuns.Max(run => run.Gen0Collections);

    public int Gen0NoCopy => NoCopyRuns.Max(run => run.Gen0Collections);

    private static PassResult Fastest(IReadOnlyList<PassResult> runs) => runs.MinBy(run => run.Elapsed);
}
