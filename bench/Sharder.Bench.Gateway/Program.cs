using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Sharder.Bench.Gateway;
using Sharder.Bench.Gateway.HotPath;
using Sharder.Bench.Gateway.Recording;

// Gateway hot path (decompress -> peek -> sink copy): dotnet run -c Release --project bench/Sharder.Bench.Gateway
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}{Environment.NewLine}{Environment.NewLine}{BenchOptions.Usage}");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var time = TimeProvider.System;
var invariant = CultureInfo.InvariantCulture;
string FormatLoad() => HostLoad.ReadOneMinute()?.ToString("0.0", invariant) ?? "unknown";

Console.WriteLine(string.Create(invariant, $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, "
    + $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {FormatLoad()}"));
Console.WriteLine(string.Create(invariant, $"generating {options.Frames:N0} MESSAGE_CREATE frames (seed {options.Seed}) and recording "
    + $"{string.Join(", ", options.Modes.Select(BenchOptions.ModeName))} ..."));

var generationStarted = time.GetTimestamp();
var corpus = BenchCorpus.Build(options.Frames, options.Seed, options.Modes);
Console.WriteLine(string.Create(invariant, $"recorded in {time.GetElapsedTime(generationStarted).TotalSeconds:0.0} s: "
    + $"{corpus.JsonBytes / 1e6:0.0} MB of JSON, {(double)corpus.JsonBytes / corpus.FrameCount:0} B per frame; "
    + $"per mode, a warm-up of at least {ModeBenchmark.MinimumWarmupFrames:N0} frames, then {options.Runs} timed runs with and without the copy"));

var results = new List<ModeResult>();
foreach (var mode in options.Modes)
{
    Console.WriteLine($"[{BenchOptions.ModeName(mode)}] running ...");
    results.Add(ModeBenchmark.Run(corpus, mode, options.Runs, time));
}

Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"{time.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average at end {FormatLoad()}"));
Console.WriteLine();
Console.WriteLine(ResultTable.Header);
foreach (var result in results)
{
    Console.WriteLine(ResultTable.Row(result));
}

Console.WriteLine();
foreach (var result in results)
{
    Console.WriteLine(ResultTable.Details(result));
}

return results.TrueForAll(result => result.Verified) ? 0 : 1;
