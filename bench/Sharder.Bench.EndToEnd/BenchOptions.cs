using System.Globalization;

namespace Sharder.Bench.EndToEnd;

/// <summary>Command-line options; <c>--quick</c> picks a smaller run, explicit options override it.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Sharder end-to-end benchmark (run it through bench/e2e.sh, which builds and passes the paths)
          --silo-dll PATH          Sharder.Silo.dll (Release)
          --peer-dir DIR           bench/e2e-peer with node_modules installed
          --logs DIR               folder for process logs, pids and the JSON (default: a new temp folder)
          --json PATH              also write the JSON here
          --quick                  zlib-stream only, burst 20,000, steady 5 s, idle window 10 s
          --shards LIST            shard counts, e.g. 4,64 (default 4,64)
          --modes LIST             zlib-stream,zstd-stream,none (default all three)
          --burst N                burst size (default 100000)
          --rates LIST             steady rates in events/s (default 1000,10000)
          --steady-seconds S       length of each steady phase (default 15)
          --warmup-seconds S       before the burst, run the first steady rate this long unmeasured, so
                                   tiered JIT has settled in both systems (default 0)
          --lead-in-seconds S      run each steady rate this long unmeasured right before its measured
                                   window, so the burst's and the previous rate's tier-ups are over (default 0)
          --idle-shards LIST       idle shard counts (default 10,1000)
          --idle-seconds S         idle CPU window (default 30)
          --idle-settle-seconds S  wait this long after all are READY before the window (default 10); tiered
                                   JIT keeps an idle silo busy for about 90 s after start
          --idle-hold-seconds S    keep each idle silo running this long after its RSS is read, for
                                   dotnet-gcdump or dotnet-counters (default 0); its pid is printed at READY
          --no-throughput          skip the load phases
          --no-idle                skip the idle phase
        """;

    public string SiloDll { get; private set; } = "";
    public string PeerDirectory { get; private set; } = "";
    public string? LogDirectory { get; private set; }
    public string? JsonPath { get; private set; }
    public bool Quick { get; private set; }
    public int[] Shards { get; private set; } = [4, 64];
    public string[] Modes { get; private set; } = ["zlib-stream", "zstd-stream", "none"];
    public int Burst { get; private set; } = 100_000;
    public int[] Rates { get; private set; } = [1_000, 10_000];
    public int SteadySeconds { get; private set; } = 15;
    public int WarmupSeconds { get; private set; }
    public int LeadInSeconds { get; private set; }
    public int[] IdleShards { get; private set; } = [10, 1_000];
    public int IdleSeconds { get; private set; } = 30;
    public int IdleSettleSeconds { get; private set; } = 10;
    public int IdleHoldSeconds { get; private set; }
    public bool Throughput { get; private set; } = true;
    public bool Idle { get; private set; } = true;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        if (args.Contains("--quick"))
        {
            o.Quick = true;
            o.Modes = ["zlib-stream"];
            o.Burst = 20_000;
            o.SteadySeconds = 5;
            o.IdleSeconds = 10;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            int[] Ints() => [.. Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            switch (name)
            {
                case "--silo-dll": o.SiloDll = Value(); break;
                case "--peer-dir": o.PeerDirectory = Value(); break;
                case "--logs": o.LogDirectory = Value(); break;
                case "--json": o.JsonPath = Value(); break;
                case "--quick": break;
                case "--shards": o.Shards = Ints(); break;
                case "--modes": o.Modes = Value().Split(','); break;
                case "--burst": o.Burst = Int(); break;
                case "--rates": o.Rates = Ints(); break;
                case "--steady-seconds": o.SteadySeconds = Int(); break;
                case "--warmup-seconds": o.WarmupSeconds = Int(); break;
                case "--lead-in-seconds": o.LeadInSeconds = Int(); break;
                case "--idle-shards": o.IdleShards = Ints(); break;
                case "--idle-seconds": o.IdleSeconds = Int(); break;
                case "--idle-settle-seconds": o.IdleSettleSeconds = Int(); break;
                case "--idle-hold-seconds": o.IdleHoldSeconds = Int(); break;
                case "--no-throughput": o.Throughput = false; break;
                case "--no-idle": o.Idle = false; break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        if (!File.Exists(o.SiloDll)) throw new ArgumentException($"--silo-dll: '{o.SiloDll}' does not exist");
        if (o.Throughput && !File.Exists(Path.Combine(o.PeerDirectory, "node_modules", "@discordjs", "ws", "package.json")))
        {
            throw new ArgumentException($"--peer-dir: '{o.PeerDirectory}' has no node_modules/@discordjs/ws (run npm ci there)");
        }

        foreach (var mode in o.Modes)
        {
            if (mode is not ("zlib-stream" or "zstd-stream" or "none")) throw new ArgumentException($"--modes: unknown mode '{mode}'");
        }

        return o;
    }
}
