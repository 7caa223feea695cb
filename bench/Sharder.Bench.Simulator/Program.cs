using System.Runtime.InteropServices;
using Sharder.Bench.Simulator;

// Simulator load run (R-11): dotnet run -c Release --project bench/Sharder.Bench.Simulator -- --shards 1000 --seconds 10
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

var fileLimit = FileDescriptorLimit.ReadSoftLimit();
var required = FileDescriptorLimit.Required(options.Shards);
if (fileLimit < required)
{
    await Console.Error.WriteLineAsync($"error: {options.Shards} shards need about {required} open files (a client and a server socket each), "
        + $"but the soft limit is {fileLimit}. Raise it first, e.g. `ulimit -n {Math.Max(4096, required)}`, or lower --shards.");
    return 3;
}

var time = TimeProvider.System;
using var cancel = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

var invariant = System.Globalization.CultureInfo.InvariantCulture;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, "
    + $"open-file limit {fileLimit?.ToString(invariant) ?? "unknown"}, load average {HostLoad.ReadOneMinute()?.ToString("0.0", invariant) ?? "unknown"}");
Console.WriteLine($"run: {options.Shards} shards, modes {string.Join(", ", options.Modes.Select(ResultTable.ModeName))}, "
    + (options.ClientsOnly
        ? $"clients only, held {options.Seconds} s"
        : $"{options.WarmupSeconds} s warm-up + {options.Seconds} s measured, payload ~{options.PayloadBytes} B, "
          + $"{options.Producers} producers x {options.EventsPerBatch}/batch, max lag {options.MaxLag}"));

var benchmark = new SimulatorBenchmark(options, time);
var header = options.ClientsOnly ? ResultTable.ConnectionsHeader : ResultTable.ThroughputHeader;
var rows = new List<string>();
var details = new List<string>();
var lostEvents = false;
try
{
    foreach (var mode in options.Modes)
    {
        Console.WriteLine($"[{ResultTable.ModeName(mode)}] connecting {options.Shards} null clients ...");
        if (options.ClientsOnly)
        {
            var result = await benchmark.RunClientsOnlyAsync(mode, cancel.Token);
            rows.Add(ResultTable.Row(result, time.GetUtcNow()));
        }
        else
        {
            var result = await benchmark.RunLoadAsync(mode, cancel.Token);
            rows.Add(ResultTable.Row(result, time.GetUtcNow()));
            details.Add(ResultTable.Details(result));
            lostEvents |= result.LostAfterDrain > 0;
        }

        Console.WriteLine($"[{ResultTable.ModeName(mode)}] done");
    }
}
catch (BenchmarkFailedException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled");
    return 130;
}

Console.WriteLine();
Console.Write(ResultTable.Table(header, rows));
foreach (var line in details) Console.WriteLine(line);
if (options.OutPath is { } outPath)
{
    await ResultTable.AppendAsync(outPath, header, rows);
    Console.WriteLine($"appended {rows.Count} row(s) to {outPath}");
}

if (lostEvents)
{
    await Console.Error.WriteLineAsync("error: some routed events never reached their null client (see 'lost' above)");
    return 1;
}

return 0;
