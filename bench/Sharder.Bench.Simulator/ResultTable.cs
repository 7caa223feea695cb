using System.Globalization;
using System.Text;
using Sharder.Simulator.Compression;

namespace Sharder.Bench.Simulator;

/// <summary>Formats results as markdown tables, for the console and for <c>--out</c>.</summary>
internal static class ResultTable
{
    public const string ThroughputHeader =
        "| date | cores | load | mode | shards | s | routed ev/s | received ev/s | wire MB/s | wire B/ev | CPU % | CPU µs/ev | GC 0/1/2 | WS MB | READY s | lag |";

    public const string ConnectionsHeader =
        "| date | cores | load | mode | shards | held s | READY s | open | WS MB | WS KB/conn | heap MB | heap KB/conn |";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Row(ThroughputResult r, DateTimeOffset date) => string.Create(Invariant,
        $"| {date:yyyy-MM-dd} | {Environment.ProcessorCount} | {r.HostLoad:0.0} | {ModeName(r.Mode)} | {r.Shards} | {r.Window.TotalSeconds:0.0} "
        + $"| {r.RoutedPerSecond:N0} | {r.ReceivedPerSecond:N0} | {r.WireMegabytesPerSecond:0.0} | {r.WireBytesPerEvent:N0} "
        + $"| {r.CpuPercent:0} | {r.CpuMicrosecondsPerEvent:0.0} | {r.After.Gen0 - r.Before.Gen0}/{r.After.Gen1 - r.Before.Gen1}/{r.After.Gen2 - r.Before.Gen2} "
        + $"| {r.After.WorkingSetBytes / 1e6:N0} | {r.TimeToReady.TotalSeconds:0.00} | {r.LagAtEnd:N0} |");

    public static string Row(ConnectionsResult r, DateTimeOffset date) => string.Create(Invariant,
        $"| {date:yyyy-MM-dd} | {Environment.ProcessorCount} | {r.HostLoad:0.0} | {ModeName(r.Mode)} | {r.Shards} | {r.Held.TotalSeconds:0} "
        + $"| {r.TimeToReady.TotalSeconds:0.00} | {r.OpenAtEnd} | {r.WorkingSetBytes / 1e6:N0} | {r.WorkingSetKilobytesPerConnection:N1} "
        + $"| {r.HeapBytes / 1e6:N0} | {r.HeapKilobytesPerConnection:N1} |");

    /// <summary>The secondary figures of a load run, one line, for the console only.</summary>
    public static string Details(ThroughputResult r) => string.Create(Invariant,
        $"  {ModeName(r.Mode)}: emitted {r.Emitted:N0}, routed {r.Routed:N0}, received {r.Received:N0}, "
        + $"payload {r.PayloadBytes / 1e6:N1} MB, wire {r.WireBytes / 1e6:N1} MB, allocated {r.AllocatedMegabytesPerSecond:N0} MB/s, "
        + $"lock contentions {r.LockContentionsPerSecond:N0}/s, thread-pool items {r.WorkItemsPerSecond:N0}/s on {r.After.ThreadPoolThreads} threads, "
        + $"drained in {r.Drain.TotalSeconds:0.00} s, lost {r.LostAfterDrain:N0}");

    public static string Table(string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(header);
        text.AppendLine(Separator(header));
        foreach (var row in rows) text.AppendLine(row);
        return text.ToString();
    }

    /// <summary>
    /// Appends <paramref name="rows"/> to a markdown file. The header goes first unless the file's last table
    /// already has it (a file may collect load runs and --clients-only runs, each under its own header).
    /// </summary>
    public static async Task AppendAsync(string path, string header, IReadOnlyList<string> rows)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var existing = File.Exists(path) ? await File.ReadAllLinesAsync(path) : [];
        var lastHeader = existing.LastOrDefault(line => line.StartsWith("| date |", StringComparison.Ordinal));
        List<string> lines = [];
        if (lastHeader != header)
        {
            if (existing.Length > 0) lines.Add(string.Empty);
            lines.Add(header);
            lines.Add(Separator(header));
        }

        lines.AddRange(rows);
        await File.AppendAllLinesAsync(path, lines);
    }

    public static string ModeName(TransportCompression mode) => TransportCompressionNames.ToQueryValue(mode) ?? "none";

    private static string Separator(string header) =>
        "|" + string.Concat(Enumerable.Repeat("---|", header.Count(c => c == '|') - 1));
}
