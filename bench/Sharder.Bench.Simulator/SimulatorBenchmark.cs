using System.Text.Json;
using Sharder.Simulator;
using Sharder.Simulator.Compression;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.World;

namespace Sharder.Bench.Simulator;

/// <summary>
/// One run of one compression mode: a fresh simulator, N null clients READY, then either a load window
/// (throughput) or a hold (memory of idle connections).
/// </summary>
internal sealed class SimulatorBenchmark(BenchOptions options, TimeProvider time)
{
    private const int HeartbeatIntervalMs = 30_000;
    private const int IdentifyWindowMs = 100;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    // Everything the MESSAGE_CREATE-heavy mix needs, with full message content.
    private const int Intents = (int)(GatewayIntents.Guilds | GatewayIntents.GuildPresences | GatewayIntents.GuildMessages
        | GatewayIntents.GuildMessageReactions | GatewayIntents.GuildMessageTyping | GatewayIntents.DirectMessages
        | GatewayIntents.MessageContent);

    public async Task<ThroughputResult> RunLoadAsync(TransportCompression mode, CancellationToken ct)
    {
        await using var simulator = new GatewaySimulator(SimulatorOptionsFor(options.Shards), time);
        await simulator.StartAsync(ct);
        await using var fleet = new NullClientFleet(time);
        var ready = await ConnectAllAsync(simulator, fleet, mode, ct);

        var backpressure = new DispatchBackpressure(options.MaxLag);
        fleet.AttachBackpressure(backpressure);
        var driver = new LoadDriver(simulator, LoadDriver.MessageHeavyMix(options.PayloadBytes), options.Producers, options.EventsPerBatch, backpressure);

        // One run of the producers: the warm-up (JIT tiering, buffers growing), then the measured window.
        using var loadEnds = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(loadEnds.Token, ct);
        var load = driver.RunAsync(linked.Token);
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), time, ct);

        var emitted0 = backpressure.Produced;
        var routed0 = simulator.Ledger.RoutedCount;
        var received0 = fleet.Dispatches;
        var wire0 = fleet.WireBytesIn;
        var payload0 = fleet.PayloadBytes;
        var before = ProcessSample.Take(time);
        loadEnds.CancelAfter(TimeSpan.FromSeconds(options.Seconds));
        await load;
        ct.ThrowIfCancellationRequested();
        var after = ProcessSample.Take(time);
        var hostLoad = HostLoad.ReadOneMinute();
        var emitted = backpressure.Produced - emitted0;
        var routed = simulator.Ledger.RoutedCount - routed0;
        var received = fleet.Dispatches - received0;
        var wireBytes = fleet.WireBytesIn - wire0;
        var payloadBytes = fleet.PayloadBytes - payload0;
        var window = time.GetElapsedTime(before.Timestamp, after.Timestamp);
        var lag = simulator.Ledger.RoutedCount - fleet.Dispatches;

        var drainStart = time.GetTimestamp();
        await Poll.UntilAsync(() => fleet.Dispatches >= simulator.Ledger.RoutedCount, DrainTimeout, time, ct);
        var drain = time.GetElapsedTime(drainStart);
        var lost = Math.Max(0, simulator.Ledger.RoutedCount - fleet.Dispatches);
        ThrowOnClientFailures(fleet);

        return new ThroughputResult(mode, options.Shards, window, ready, emitted, routed, received, wireBytes, payloadBytes,
            before, after, lag, drain, lost, hostLoad);
    }

    public async Task<ConnectionsResult> RunClientsOnlyAsync(TransportCompression mode, CancellationToken ct)
    {
        var baseline = CollectAndSample();
        await using var simulator = new GatewaySimulator(SimulatorOptionsFor(options.Shards), time);
        await simulator.StartAsync(ct);
        await using var fleet = new NullClientFleet(time);
        var ready = await ConnectAllAsync(simulator, fleet, mode, ct);

        // Holding for a fixed time is the measurement: connections must stay up and heartbeats flow meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds), time, ct);
        ThrowOnClientFailures(fleet);
        var open = simulator.Connections().Count(c => c.Open);
        var held = CollectAndSample();
        return new ConnectionsResult(mode, options.Shards, TimeSpan.FromSeconds(options.Seconds), ready, open,
            baseline.WorkingSetBytes, held.WorkingSetBytes, baseline.GcHeapBytes, held.GcHeapBytes, HostLoad.ReadOneMinute());
    }

    /// <summary>Connects the fleet and waits until every shard is READY and every client has read its READY and
    /// GUILD_CREATE burst. Returns the time from the first connect to all shards READY.</summary>
    private async Task<TimeSpan> ConnectAllAsync(GatewaySimulator simulator, NullClientFleet fleet, TransportCompression mode, CancellationToken ct)
    {
        var shards = options.Shards;
        var readyTimeout = TimeSpan.FromSeconds(options.ReadyTimeoutSeconds);
        var compress = TransportCompressionNames.ToQueryValue(mode) is { } name ? $"&compress={name}" : string.Empty;
        var gateway = new Uri($"{simulator.GatewayUrl}/?v=10&encoding=json{compress}");
        var token = JsonSerializer.Serialize(simulator.Token);

        var start = time.GetTimestamp();
        using (var connectTimeout = new CancellationTokenSource(readyTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, ct))
        {
            try
            {
                await fleet.ConnectAsync(gateway, shards, shard => IdentifyJson(token, shard, shards),
                    TimeSpan.FromMilliseconds(HeartbeatIntervalMs), options.ConnectParallelism, linked.Token);
            }
            catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // Reported below with the counts.
            }
        }

        ct.ThrowIfCancellationRequested();
        if (fleet.Started < shards)
        {
            var first = fleet.ConnectFailures.Select(f => $"; first failure: shard {f.ShardId}: {f.Error.GetType().Name}: {f.Error.Message}").FirstOrDefault();
            throw new BenchmarkFailedException($"only {fleet.Started} of {shards} null clients connected and identified within "
                + $"{readyTimeout.TotalSeconds:0} s ({fleet.ConnectFailures.Count} failed{first}); raise --ready-timeout or lower --shards");
        }

        try
        {
            var left = readyTimeout - time.GetElapsedTime(start);
            await simulator.WaitUntilAsync(s => AllShardsAttached(s, shards), left > TimeSpan.Zero ? left : TimeSpan.Zero,
                $"{shards} shards to be READY", ct);
        }
        catch (TimeoutException)
        {
            var readyCount = simulator.Sessions().Count(s => s.State == SessionState.Attached);
            throw new BenchmarkFailedException($"only {readyCount} of {shards} shards were READY after {readyTimeout.TotalSeconds:0} s "
                + $"({simulator.Connections().Count} connections open); raise --ready-timeout or lower --shards");
        }

        var ready = time.GetElapsedTime(start);

        // The simulator's own check, once all are READY: it is O(N²) (one Sessions() list per shard), about
        // 0.8 s at N = 1000 on 2 cores, so polling it would inflate the READY time it is meant to measure.
        await simulator.WaitForShardsReadyAsync(shards, SettleTimeout, ct);
        if (!await Poll.UntilAsync(() => fleet.Dispatches >= simulator.Ledger.RoutedCount, SettleTimeout, time, ct))
        {
            throw new BenchmarkFailedException($"the null clients received {fleet.Dispatches} of {simulator.Ledger.RoutedCount} "
                + $"READY/GUILD_CREATE dispatches within {SettleTimeout.TotalSeconds:0} s");
        }

        return ready;
    }

    /// <summary>Every shard 0..N-1 has an attached session of an N-shard layout; O(N) over one session list.</summary>
    private static bool AllShardsAttached(GatewaySimulator simulator, int shards)
    {
        var attached = new bool[shards];
        var count = 0;
        foreach (var session in simulator.Sessions())
        {
            if (session.NumShards != shards || session.State != SessionState.Attached || attached[session.ShardId]) continue;
            attached[session.ShardId] = true;
            count++;
        }

        return count == shards;
    }

    private SimulatorOptions SimulatorOptionsFor(int shards) => new()
    {
        MaxConcurrency = shards,
        IdentifyWindowMs = IdentifyWindowMs,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
        DailyIdentifyTotal = Math.Max(1_000, 2 * shards),
        ReplayBufferDepth = options.ReplayDepth,
        TranscriptDepth = 0,
        World = new WorldOptions { GuildCount = 2 * shards, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() },
    };

    private static string IdentifyJson(string tokenJson, int shard, int shards) =>
        $$$"""{"op":2,"d":{"token":{{{tokenJson}}},"intents":{{{Intents}}},"properties":{"os":"linux","browser":"sharder-bench","device":"sharder-bench"},"shard":[{{{shard}}},{{{shards}}}]}}""";

    private static void ThrowOnClientFailures(NullClientFleet fleet)
    {
        var failures = fleet.ReceiveFailures.ToList();
        if (failures.Count == 0) return;
        var (shard, error) = failures[0];
        throw new BenchmarkFailedException($"{failures.Count} null clients lost their connection; first: shard {shard}: {error.GetType().Name}: {error.Message}");
    }

    private ProcessSample CollectAndSample()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcessSample.Take(time);
    }
}
