using System.Runtime.InteropServices;
using Sharder.Simulator;

// Standalone fake Discord: `dotnet run --project tests/Sharder.Simulator -- --port 5800 --guilds 100 --rate 50`
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

SimulatorOptions options;
double rate;
try
{
    (options, rate) = CommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}{Environment.NewLine}{Environment.NewLine}{CommandLine.Usage}");
    return 2;
}

await using var simulator = new GatewaySimulator(options);
await simulator.StartAsync();
Console.WriteLine($"REST URL:     {simulator.RestUrl}   (GET /v10/gateway/bot with 'Authorization: Bot <token>')");
Console.WriteLine($"Gateway URL:  {simulator.GatewayUrl}");
Console.WriteLine($"Resume URLs:  {string.Join(", ", simulator.ResumeUrls)}");
Console.WriteLine($"Token:        {simulator.Token}");
Console.WriteLine($"Control API:  http://{simulator.Host}:{simulator.Port}/_sim/status");
Console.WriteLine($"Guilds: {simulator.World.Guilds.Count}, recommended shards: {simulator.World.RecommendedShards(options.GuildsPerShardRecommendation, options.RequiredShardMultiple)}, max_concurrency: {options.MaxConcurrency}, event rate: {rate}/s");
if (rate > 0) simulator.StartLoad(rate);

var stop = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("stopping");
return 0;
