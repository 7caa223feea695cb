using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Sharder.Bench.Sink;
using Sharder.Grains.Gateway;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Sharder.Grains.Sink;

// Redis sink batching: dotnet run -c Release --project bench/Sharder.Bench.Sink -- [--events N] [--payload-bytes P] [--shards 1,4]
var invariant = CultureInfo.InvariantCulture;
int events = 50_000;
int payloadBytes = 1024;
int[] shardCounts = [1, 4];
int[] batches = [1, 16, 128, 512];
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--events":
            events = int.Parse(args[i + 1], invariant);
            break;
        case "--payload-bytes":
            payloadBytes = int.Parse(args[i + 1], invariant);
            break;
        case "--shards":
            shardCounts = [.. args[i + 1].Split(',').Select(s => int.Parse(s, invariant))];
            break;
        case "--batches":
            batches = [.. args[i + 1].Split(',').Select(s => int.Parse(s, invariant))];
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown option {args[i]}; use --events N --payload-bytes P --shards 1,4 --batches 1,16,128,512");
            return 2;
    }
}

Console.WriteLine(string.Create(invariant, $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, "
    + $"{RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {LoadAverage()}"));

await using var server = new RedisServer();
await server.StartAsync();
var options = ConfigurationOptions.Parse(server.ConnectionString);
options.AsyncTimeout = 30_000;
options.SyncTimeout = 30_000;
await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
Console.WriteLine($"redis-server on {server.ConnectionString}; {events:N0} MESSAGE_CREATE events of about {payloadBytes} B per run (split over the shards)");

var results = new List<SinkResult>();
int run = 0;
foreach (int shards in shardCounts)
{
    var corpus = new ShardDispatch[shards][];
    for (int shard = 0; shard < shards; shard++)
    {
        corpus[shard] = DispatchCorpus.Build($"session-{shard}", events / shards, payloadBytes);
    }

    // A short warm-up per shard count: JIT, script cache, pools.
    await SinkRun.RunAsync(redis, [.. corpus.Select(c => c[..Math.Min(c.Length, 2_000)])], 64, $"warmup{run++}");
    foreach (int batch in batches)
    {
        var result = await SinkRun.RunAsync(redis, corpus, batch, $"bench{run++}");
        if (result.Stored != result.Events)
        {
            await Console.Error.WriteLineAsync($"FAILED: {result.Events} events pushed but {result.Stored} in Redis");
            return 1;
        }

        Console.WriteLine(result.Row());
        results.Add(result);
    }
}

Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average at end {LoadAverage()}"));
Console.WriteLine();
Console.WriteLine(SinkResult.Header);
foreach (var result in results)
{
    Console.WriteLine(result.Row());
}

return 0;

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "unknown";
    }
}
