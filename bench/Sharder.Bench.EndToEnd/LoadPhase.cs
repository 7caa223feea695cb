using Sharder.Simulator;
using Sharder.Simulator.Events;

namespace Sharder.Bench.EndToEnd;

/// <summary>
/// Drives one load phase through the simulator and measures it: a burst (N events emitted as fast as the
/// simulator takes them) or a steady rate for a while. Every event is a realistic ~1 KB guild MESSAGE_CREATE.
/// The phase ends when the worker has popped every event or at the time limit. Latency is from the
/// simulator's ledger (the time it put the event on the shard's socket) to the worker's pop.
/// </summary>
internal sealed class LoadPhase(GatewaySimulator simulator, ListWorker worker, int systemPid, int redisPid)
{
    private static readonly EventMix s_messages = new() { MessageCreate = 1, PresenceUpdate = 0, TypingStart = 0, MessageBytes = 1024 };

    public async Task<PhaseResult> BurstAsync(string system, int shards, string compression, int count, TimeSpan limit)
    {
        var emitted = new List<SimEvent>(count);
        var start = Begin();
        await Task.Run(() =>
        {
            for (var i = 0; i < count; i++) emitted.Add(simulator.Emit(simulator.Events.Next(s_messages)));
        });
        return await FinishAsync(system, shards, compression, $"burst {count:N0}", emitted, start, limit);
    }

    public async Task<PhaseResult> SteadyAsync(string system, int shards, string compression, int eventsPerSecond, TimeSpan duration, TimeSpan drainLimit)
    {
        var emitted = new List<SimEvent>((int)(eventsPerSecond * duration.TotalSeconds) + 16);
        var generator = new EventGenerator(simulator.Events, simulator.World, TimeProvider.System, ev =>
        {
            lock (emitted) emitted.Add(ev);
            simulator.Emit(ev);
        });
        var start = Begin();
        generator.Start(eventsPerSecond, s_messages);
        await Task.Delay(duration);
        await generator.DisposeAsync();
        List<SimEvent> all;
        lock (emitted) all = [.. emitted];
        return await FinishAsync(system, shards, compression, $"steady {eventsPerSecond:N0}/s", all, start, drainLimit);
    }

    private Start Begin() => new(DateTimeOffset.UtcNow, ProcessStats.CpuSeconds(systemPid), ProcessStats.CpuSeconds(redisPid), DriverCpu());

    private static double DriverCpu() => Environment.CpuUsage.TotalTime.TotalSeconds;

    private async Task<PhaseResult> FinishAsync(string system, int shards, string compression, string phase, List<SimEvent> emitted, Start start, TimeSpan limit)
    {
        var uids = emitted.ConvertAll(e => e.Uid);
        try
        {
            // The worker signals the last pop: no polling, so the CPU window closes when the phase ends and the
            // worker is not held up by progress scans while it records pops.
            await worker.WhenPoppedAsync(uids).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            // Reported as delivered < emitted.
        }

        var progress = worker.Progress(uids);

        double cpu = ProcessStats.CpuSeconds(systemPid) - start.ProcessCpu;
        double redisCpu = ProcessStats.CpuSeconds(redisPid) - start.RedisCpu;
        double driverCpu = DriverCpu() - start.DriverCpu;
        long rss = ProcessStats.RssBytes(systemPid);
        var end = progress.Count > 0 ? progress.Last : DateTimeOffset.UtcNow;
        var (fromSend, fromProduce) = Latencies(emitted);
        return new PhaseResult(system, shards, compression, phase, uids.Count, progress.Count, (end - start.At).TotalSeconds,
            cpu, redisCpu, driverCpu, Percentile(fromSend, 0.50), Percentile(fromSend, 0.99), fromSend.Count > 0 ? fromSend[^1] : null,
            Percentile(fromProduce, 0.99), rss, ProcessStats.LoadAverage());
    }

    // Sorted latencies in ms: from the simulator's first send of the event (ledger) and from its creation.
    private (List<double> FromSend, List<double> FromProduce) Latencies(List<SimEvent> emitted)
    {
        var snapshot = simulator.Ledger.Snapshot();
        var wanted = emitted.Select(e => e.Uid).ToHashSet();
        var uidOf = new Dictionary<(string, long), long>();
        foreach (var routed in snapshot.Routed)
        {
            if (wanted.Contains(routed.EventUid)) uidOf[(routed.SessionId, routed.Seq)] = routed.EventUid;
        }

        var sentAt = new Dictionary<long, DateTimeOffset>();
        foreach (var sent in snapshot.Sent)
        {
            if (uidOf.TryGetValue((sent.SessionId, sent.Seq), out var uid) && (!sentAt.TryGetValue(uid, out var at) || sent.At < at))
            {
                sentAt[uid] = sent.At;
            }
        }

        var fromSend = new List<double>(emitted.Count);
        var fromProduce = new List<double>(emitted.Count);
        foreach (var ev in emitted)
        {
            if (!worker.TryGetPopTime(ev.Uid, out var popped)) continue;
            fromProduce.Add((popped - ev.ProducedAt).TotalMilliseconds);
            if (sentAt.TryGetValue(ev.Uid, out var sent)) fromSend.Add((popped - sent).TotalMilliseconds);
        }

        fromSend.Sort();
        fromProduce.Sort();
        return (fromSend, fromProduce);
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private readonly record struct Start(DateTimeOffset At, double ProcessCpu, double RedisCpu, double DriverCpu);
}
