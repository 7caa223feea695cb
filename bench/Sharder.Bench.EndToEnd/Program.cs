using System.Text.Json;
using Sharder.Bench.EndToEnd;
using Sharder.TestKit.Redis;

if (args.Contains("--help"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var logs = options.LogDirectory ?? Directory.CreateTempSubdirectory("sharder-e2e.").FullName;
Directory.CreateDirectory(logs);
Console.WriteLine($"e2e: logs, pids and JSON in {logs}");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var report = new BenchReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options.Quick);
await using (var children = new ChildProcesses(logs))
{
    try
    {
        await using var redis = new RedisServer();
        await redis.StartAsync(cancel.Token);
        children.Adopt(redis.ProcessId!.Value);
        var runner = new BenchRunner(options, children, redis, report, cancel.Token);
        if (options.Throughput) await runner.RunThroughputAsync();
        if (options.Idle) await runner.RunIdleAsync();
    }
    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
    {
        Console.WriteLine("e2e: interrupted; stopping everything");
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
    {
        Console.WriteLine($"e2e: FAILED: {ex.Message}");
        report.Failure = ex.Message;
    }
}

ResultTable.Print(report, Console.Out);
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(logs, "e2e.json"), json);
if (options.JsonPath is { } path) await File.WriteAllTextAsync(path, json);
Console.WriteLine($"e2e: JSON written to {options.JsonPath ?? Path.Combine(logs, "e2e.json")}");
return report.Failure is null ? 0 : 1;
