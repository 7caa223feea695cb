using Sharder.Simulator;
using Sharder.Simulator.World;
using Sharder.TestKit.Redis;

namespace Sharder.Bench.EndToEnd;

/// <summary>
/// The run: per shard count and compression, one simulator; first a Sharder silo, then the JavaScript peer
/// against the same simulator, each through the same load phases; then redis-benchmark's ceiling. Then the
/// idle phase. Every wait has a time limit; every process is stopped before the next configuration starts.
/// </summary>
internal sealed class BenchRunner(BenchOptions options, ChildProcesses children, RedisServer redis, BenchReport report, CancellationToken ct)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    public async Task RunThroughputAsync()
    {
        foreach (var shards in options.Shards)
        {
            foreach (var mode in options.Modes)
            {
                ct.ThrowIfCancellationRequested();
                await using var simulator = new GatewaySimulator(SimulatorOptions(shards, guilds: Math.Max(64, 4 * shards)), TimeProvider.System);
                await simulator.StartAsync(ct);
                string prefix = $"e2e-{shards}-{mode}";

                Say($"{shards} shards, {mode}: Sharder silo");
                var silo = await SystemUnderTest.StartSiloAsync(children, options.SiloDll, simulator, redis.ConnectionString, shards, mode, prefix, ReadyTimeout);
                int valueBytes = await RunPhasesAsync(simulator, silo, shards, mode);
                await children.StopAsync(silo.Process, StopGrace);

                if (mode == "zstd-stream")
                {
                    Say($"{shards} shards, {mode}: no peer (@discordjs/ws 2.x has no zstd-stream)");
                }
                else
                {
                    Say($"{shards} shards, {mode}: @discordjs/ws peer");
                    var peer = await SystemUnderTest.StartPeerAsync(children, options.PeerDirectory, simulator, redis.Port, shards, mode, $"peer-{shards}-{mode}:events", ReadyTimeout);
                    await RunPhasesAsync(simulator, peer, shards, mode);
                    await children.StopAsync(peer.Process, StopGrace);
                }

                Say($"{shards} shards, {mode}: redis-benchmark RPUSH -P 64, {valueBytes} B values");
                var (rps, redisCpu) = await RedisCeiling.PipelinedRpushAsync(redis, Math.Max(200_000, options.Burst * 2), valueBytes, children.LogDirectory);
                report.Ceilings.Add(new CeilingResult(shards, mode, valueBytes, rps, redisCpu * 100_000 / Math.Max(200_000, options.Burst * 2)));
            }
        }
    }

    // Returns the mean size of the entries the system pushed during the burst (the ceiling's value size).
    private async Task<int> RunPhasesAsync(GatewaySimulator simulator, SystemUnderTest system, int shards, string mode)
    {
        await using var worker = await ListWorker.StartAsync(redis.ConnectionString, system.ListKey);
        await Task.Delay(Settle, ct);
        var phase = new LoadPhase(simulator, worker, system.Process.Id, redis.ProcessId!.Value);
        if (options.WarmupSeconds > 0)
        {
            // Not recorded: a fresh process runs tier-0 and instrumented code, and compiles, for tens of seconds
            // (in a 64-shard burst right after start a third of the silo's samples were the JIT). Both systems alike.
            int rate = options.Rates.Length > 0 ? options.Rates[0] : 1_000;
            Say($"  {system.Name} warm-up: {rate:N0}/s for {options.WarmupSeconds} s (not measured)");
            await phase.SteadyAsync(system.Name, shards, mode, rate, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(60));
            await Task.Delay(Settle, ct);
        }

        var before = worker.Totals;
        var burst = await phase.BurstAsync(system.Name, shards, mode, options.Burst, TimeSpan.FromSeconds(60 + (options.Burst / 1_000)));
        Record(burst);
        var after = worker.Totals;
        int valueBytes = (int)((after.Bytes - before.Bytes) / Math.Max(1, after.Entries - before.Entries));
        foreach (var rate in options.Rates)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(Settle, ct);
            if (options.LeadInSeconds > 0)
            {
                // Not recorded: the methods this rate runs hot reach their last tier here, not in the window.
                Say($"  {system.Name} lead-in: {rate:N0}/s for {options.LeadInSeconds} s (not measured)");
                await phase.SteadyAsync(system.Name, shards, mode, rate, TimeSpan.FromSeconds(options.LeadInSeconds), TimeSpan.FromSeconds(60));
            }

            Record(await phase.SteadyAsync(system.Name, shards, mode, rate, TimeSpan.FromSeconds(options.SteadySeconds), TimeSpan.FromSeconds(60)));
        }

        return valueBytes;
    }

    public async Task RunIdleAsync()
    {
        int most = options.IdleShards.Max();
        await using var simulator = new GatewaySimulator(SimulatorOptions(most, guilds: 2 * most), TimeProvider.System);
        await simulator.StartAsync(ct);
        foreach (var shards in options.IdleShards)
        {
            ct.ThrowIfCancellationRequested();
            Say($"idle: {shards} zlib-stream shards on one silo");
            var started = DateTimeOffset.UtcNow;
            var silo = await SystemUnderTest.StartSiloAsync(children, options.SiloDll, simulator, redis.ConnectionString, shards, "zlib-stream",
                $"e2e-idle-{shards}", TimeSpan.FromSeconds(120 + (shards / 4)));
            double startSeconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
            Say($"idle: {shards} shards READY in {startSeconds:0.0} s, silo pid {silo.Process.Id}");
            // Let the start settle (GUILD_CREATE bursts pushed, first heartbeats, tiered JIT) before measuring.
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSettleSeconds), ct);
            int pid = silo.Process.Id;
            double cpu0 = ProcessStats.CpuSeconds(pid);
            var t0 = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), ct);
            double window = (DateTimeOffset.UtcNow - t0).TotalSeconds;
            double cpu = ProcessStats.CpuSeconds(pid) - cpu0;
            var result = new IdleResult(shards, startSeconds, ProcessStats.RssBytes(pid), ProcessStats.AnonymousRssBytes(pid), cpu / window * 100, window, ProcessStats.LoadAverage());
            report.Idle.Add(result);
            // The mappings behind that RSS, for bench/smaps-breakdown.py (GC heap, malloc arenas, stacks, files).
            ProcessStats.SaveSmaps(pid, Path.Combine(children.LogDirectory, $"idle-{shards}.smaps"));
            Say($"idle: {shards} shards: RSS {result.RssBytes / 1048576.0:0} MiB, CPU {result.CpuPercent:0.0} % of a core over {window:0} s");
            if (options.IdleHoldSeconds > 0)
            {
                Say($"idle: holding silo pid {pid} for {options.IdleHoldSeconds} s");
                await Task.Delay(TimeSpan.FromSeconds(options.IdleHoldSeconds), ct);
            }

            await children.StopAsync(silo.Process, StopGrace);
        }
    }

    private void Record(PhaseResult result)
    {
        report.Phases.Add(result);
        Say($"  {result.System} {result.Phase}: {result.Delivered:N0}/{result.Events:N0} in {result.Seconds:0.0} s, {result.EventsPerSecond:N0} ev/s, "
            + $"{result.CpuPer100k:0.00} CPU-s/100k, p50/p99 {result.P50Ms:0.0}/{result.P99Ms:0.0} ms");
    }

    private static void Say(string text) => Console.WriteLine($"e2e: {DateTimeOffset.UtcNow:HH:mm:ss} {text}");

    private static SimulatorOptions SimulatorOptions(int maxConcurrency, int guilds) => new()
    {
        MaxConcurrency = maxConcurrency,
        IdentifyWindowMs = 100,
        DailyIdentifyTotal = 100_000,
        // A stopped system's sessions stop taking events soon; nobody resumes them.
        ResumeWindowMs = 10_000,
        ReplayBufferDepth = 1_000,
        TranscriptDepth = 0,
        World = new WorldOptions { GuildCount = guilds, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() },
    };
}
