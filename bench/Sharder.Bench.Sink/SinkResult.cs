using System.Globalization;

namespace Sharder.Bench.Sink;

/// <summary>One measured configuration: shards × batch size.</summary>
internal sealed record SinkResult(int Shards, int Batch, long Events, long Stored, TimeSpan Elapsed, long AllocatedBytes, int Gen0Collections)
{
    public const string Header = "| shards | batch | events | events/s | µs/event | bytes allocated/event | gen0 GCs |\n|---:|---:|---:|---:|---:|---:|---:|";

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Shards} | {Batch} | {Events:N0} | {EventsPerSecond:N0} | {Elapsed.TotalMilliseconds * 1000 / Events:0.00} | {(double)AllocatedBytes / Events:N0} | {Gen0Collections} |");
}
