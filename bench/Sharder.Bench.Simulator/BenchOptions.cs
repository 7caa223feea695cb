using System.Globalization;
using Sharder.Simulator.Compression;

namespace Sharder.Bench.Simulator;

/// <summary>Command-line options of the simulator benchmark.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Sharder simulator benchmark: N null clients against an in-process gateway simulator.
          --shards N               concurrent shard connections (default 1000)
          --seconds S              measured load window per mode, or hold time with --clients-only (default 10)
          --warmup S               load before the measured window starts, 0 = none (default 2)
          --mode M                 none | zlib-stream | zstd-stream | all (default all)
          --events-per-batch B     events a producer emits between back-pressure checks (default 64)
          --payload-bytes P        approximate MESSAGE_CREATE 'd' size in bytes (default 1024)
          --producers K            producer tasks calling simulator.Emit (default 2)
          --max-lag L              events routed but not yet received before producers pause (default 20000)
          --replay-depth D         simulator ReplayBufferDepth per session (default 256)
          --connect-parallelism C  client handshakes in flight at once (default 64)
          --ready-timeout S        seconds allowed for all N shards to become READY (default 120)
          --clients-only           only hold N connections for S seconds and report memory
          --out PATH.md            append one markdown row per run to PATH.md (header written if new)
          --help                   this text
        Exit codes: 0 ok, 1 shards not READY in time or events lost, 2 bad arguments, 3 file limit too low.
        """;

    public int Shards { get; private set; } = 1000;
    public int Seconds { get; private set; } = 10;
    public int WarmupSeconds { get; private set; } = 2;
    public IReadOnlyList<TransportCompression> Modes { get; private set; } =
        [TransportCompression.None, TransportCompression.ZlibStream, TransportCompression.ZstdStream];
    public int EventsPerBatch { get; private set; } = 64;
    public int PayloadBytes { get; private set; } = 1024;
    public int Producers { get; private set; } = 2;
    public int MaxLag { get; private set; } = 20_000;
    public int ReplayDepth { get; private set; } = 256;
    public int ConnectParallelism { get; private set; } = 64;
    public int ReadyTimeoutSeconds { get; private set; } = 120;
    public bool ClientsOnly { get; private set; }
    public string? OutPath { get; private set; }
    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Positive()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? value
                    : throw new ArgumentException($"{name} needs a positive integer (was '{text}')");
            }

            int NonNegative()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
                    ? value
                    : throw new ArgumentException($"{name} needs a non-negative integer (was '{text}')");
            }

            switch (name)
            {
                case "--shards": options.Shards = Positive(); break;
                case "--seconds": options.Seconds = Positive(); break;
                case "--warmup": options.WarmupSeconds = NonNegative(); break;
                case "--mode": options.Modes = ParseModes(Value()); break;
                case "--events-per-batch": options.EventsPerBatch = Positive(); break;
                case "--payload-bytes": options.PayloadBytes = Positive(); break;
                case "--producers": options.Producers = Positive(); break;
                case "--max-lag": options.MaxLag = Positive(); break;
                case "--replay-depth": options.ReplayDepth = Positive(); break;
                case "--connect-parallelism": options.ConnectParallelism = Positive(); break;
                case "--ready-timeout": options.ReadyTimeoutSeconds = Positive(); break;
                case "--clients-only": options.ClientsOnly = true; break;
                case "--out": options.OutPath = Value(); break;
                case "--help" or "-h": options.Help = true; break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        return options;
    }

    private static TransportCompression[] ParseModes(string value) => value switch
    {
        "all" => [TransportCompression.None, TransportCompression.ZlibStream, TransportCompression.ZstdStream],
        "none" => [TransportCompression.None],
        TransportCompressionNames.ZlibStream => [TransportCompression.ZlibStream],
        TransportCompressionNames.ZstdStream => [TransportCompression.ZstdStream],
        _ => throw new ArgumentException($"--mode must be none, zlib-stream, zstd-stream or all (was '{value}')"),
    };
}
