using System.Globalization;
using Sharder.Bench.Gateway.HotPath;

namespace Sharder.Bench.Gateway;

/// <summary>Formats results as a markdown table (for bench/README.md) plus one detail line per mode.</summary>
internal static class ResultTable
{
    public const string Header = """
        | mode | frames | JSON B/frame | wire B/frame | frames/s | MB/s | CPU % | frames/CPU-s | frames/s no copy | alloc B/frame copy | alloc B/frame no copy | gen0 copy | gen0 no copy | check |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
        """;

    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static string Row(ModeResult result)
    {
        var copy = result.BestCopy;
        var noCopy = result.BestNoCopy;
        var frames = (double)result.StreamFrames;
        var check = result.Verified
            ? $"ok: peeked {result.LastPeeked:N0}, last s {result.LastSequence:N0}"
            : "FAILED";
        return string.Create(
            s_invariant,
            $"| {BenchOptions.ModeName(result.Mode)} | {result.StreamFrames:N0} | {result.JsonBytes / frames:N0} | {result.WireBytes / frames:N0} "
            + $"| {copy.FramesPerSecond:N0} | {copy.MegabytesPerSecond:N1} | {copy.CpuShare * 100:N0} | {copy.FramesPerCpuSecond:N0} | {noCopy.FramesPerSecond:N0} "
            + $"| {result.AllocatedPerFrameCopy:N2} | {result.AllocatedPerFrameNoCopy:N2} "
            + $"| {result.Gen0Copy} | {result.Gen0NoCopy} | {check} |");
    }

    public static string Details(ModeResult result)
    {
        var stages = result.Stages;
        var copyRates = string.Join(" / ", result.CopyRuns.Select(FormatRun));
        var noCopyRates = string.Join(" / ", result.NoCopyRuns.Select(FormatRun));
        var line = string.Create(
            s_invariant,
            $"{BenchOptions.ModeName(result.Mode)}: frames/s (CPU %) per run: copy {copyRates}; no copy {noCopyRates}; "
            + $"gen1/gen2 copy {result.CopyRuns.Max(run => run.Gen1Collections)}/{result.CopyRuns.Max(run => run.Gen2Collections)}; "
            + $"stage allocations over {stages.Frames:N0} frames: Decompress {stages.DecompressBytes:N0} B, TryPeek {stages.PeekBytes:N0} B; "
            + $"once per connection (Reset + first message) {stages.ConnectionStartBytes:N0} B");
        return result.Failure is null ? line : $"{line}{Environment.NewLine}  FAILED: {result.Failure}";
    }

    private static string FormatRun(PassResult run) =>
        string.Create(s_invariant, $"{run.FramesPerSecond:N0} ({run.CpuShare * 100:N0})");
}
