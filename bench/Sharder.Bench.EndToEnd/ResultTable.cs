namespace Sharder.Bench.EndToEnd;

/// <summary>Prints the run as markdown tables: the phases, the ratios Sharder/peer and Sharder/ceiling, the idle cost.</summary>
internal static class ResultTable
{
    public static void Print(BenchReport report, TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"{report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Cores} cores{(report.Quick ? ", --quick" : "")}");
        if (report.Phases.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("| system | shards | mode | phase | delivered | ev/s | CPU-s/100k | ev/CPU-s | CPU % | redis CPU-s/100k | sim+worker CPU % | p50 ms | p99 ms | max ms | p99 from emit | RSS MiB | load |");
            w.WriteLine("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in report.Phases)
            {
                w.WriteLine($"| {p.System} | {p.Shards} | {p.Compression} | {p.Phase} | {p.Delivered:N0}/{p.Events:N0} | {p.EventsPerSecond:N0} | {p.CpuPer100k:0.00} | "
                    + $"{p.EventsPerCpuSecond:N0} | {p.CpuPercent:0.0} | {p.RedisCpuPer100k:0.00} | {p.DriverCpuPercent:0} | {Ms(p.P50Ms)} | {Ms(p.P99Ms)} | {Ms(p.MaxMs)} | {Ms(p.P99FromProduceMs)} | "
                    + $"{p.RssBytes / 1048576.0:0} | {p.LoadAverage:0.0} |");
            }

            PrintRatios(report, w);
        }

        if (report.Idle.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("| idle zlib-stream shards | start s | RSS MiB | anonymous RSS MiB | CPU % of a core | window s | load |");
            w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var i in report.Idle)
            {
                w.WriteLine($"| {i.Shards:N0} | {i.StartSeconds:0.0} | {i.RssBytes / 1048576.0:0.0} | {i.AnonymousRssBytes / 1048576.0:0.0} | {i.CpuPercent:0.00} | {i.WindowSeconds:0} | {i.LoadAverage:0.0} |");
            }

            var sorted = report.Idle.OrderBy(i => i.Shards).ToList();
            if (sorted.Count >= 2 && sorted[^1].Shards > sorted[0].Shards)
            {
                double perShard = (sorted[^1].RssBytes - sorted[0].RssBytes) / (double)(sorted[^1].Shards - sorted[0].Shards);
                double anonPerShard = (sorted[^1].AnonymousRssBytes - sorted[0].AnonymousRssBytes) / (double)(sorted[^1].Shards - sorted[0].Shards);
                w.WriteLine($"Per idle shard ({sorted[0].Shards:N0} -> {sorted[^1].Shards:N0}): RSS {perShard / 1024:0} KiB, anonymous RSS {anonPerShard / 1024:0} KiB. "
                    + "Managed heap: the silo exposes none, so RSS only.");
            }
        }

        if (report.Failure is not null) w.WriteLine($"FAILED: {report.Failure}");
    }

    private static void PrintRatios(BenchReport report, TextWriter w)
    {
        w.WriteLine();
        w.WriteLine("| shards | mode | phase | ev/CPU-s Sharder / peer | CPU % Sharder / peer | p99 ms Sharder vs peer | Sharder ev/s / RPUSH ceiling (ceiling /s, value B) |");
        w.WriteLine("|---:|---|---|---:|---:|---:|---:|");
        foreach (var s in report.Phases.Where(p => p.System == "sharder"))
        {
            var peer = report.Phases.FirstOrDefault(p => p.System == "peer" && p.Shards == s.Shards && p.Compression == s.Compression && p.Phase == s.Phase);
            var ceiling = report.Ceilings.FirstOrDefault(c => c.Shards == s.Shards && c.Compression == s.Compression);
            string perCpu = peer is { EventsPerCpuSecond: > 0 } ? $"{s.EventsPerCpuSecond / peer.EventsPerCpuSecond:0.00}" : "-";
            string cpu = peer is { CpuPercent: > 0 } ? $"{s.CpuPercent / peer.CpuPercent:0.00}" : "-";
            string p99 = peer is not null ? $"{Ms(s.P99Ms)} vs {Ms(peer.P99Ms)}" : "-";
            string toCeiling = ceiling is not null && s.Phase.StartsWith("burst", StringComparison.Ordinal)
                ? $"{s.EventsPerSecond / ceiling.PushesPerSecond:P1} ({ceiling.PushesPerSecond:N0}, {ceiling.ValueBytes})"
                : "-";
            w.WriteLine($"| {s.Shards} | {s.Compression} | {s.Phase} | {perCpu} | {cpu} | {p99} | {toCeiling} |");
        }
    }

    private static string Ms(double? ms) => ms is { } v ? (v >= 100 ? $"{v:0}" : $"{v:0.0}") : "-";
}
