using System.Globalization;

namespace Sharder.Simulator;

/// <summary>Command-line options of the standalone simulator; each maps to one <see cref="SimulatorOptions"/> knob.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Sharder gateway simulator (a fake Discord gateway for tests, demos and benchmarks)
          --port P                   bootstrap port for REST, control API and gateway (default 0 = any free port)
          --public-host H            listen on every interface and hand out URLs with host H (containers);
                                     default: loopback only, URLs with 127.0.0.1
          --token T                  bot token to accept (default sim-token...)
          --guilds G                 number of guilds (default 10)
          --rate R                   background events per second, all shards together (default 0)
          --max-concurrency M        identify max_concurrency (default 1)
          --daily-identifies N       daily session_start_limit total (default 1000)
          --heartbeat-ms MS          heartbeat_interval sent in Hello (default 41250)
          --identify-window-ms MS    identify rate-limit window per bucket (default 5000)
          --resume-window-ms MS      how long a detached session stays resumable (default 180000)
          --resume-listeners N       number of resume URLs/zones (default 1)
          --strict-resume-url        reject a Resume that arrives on the bootstrap URL with op 9
          --shard-multiple N         required shard-count multiple (large-bot sharding)
          --seed S                   seed for everything random (default 1)
          --ready-seq-zero           deviation: number READY s:0 (then 1, 2, ...)
          --reuse-session-ids        deviation: the same session_id on every Identify of a shard
          --bad-token-close CODE     deviation: close a bad token with CODE instead of 4004 (e.g. 4000)
        """;

    public static (SimulatorOptions Options, double Rate) Parse(string[] args)
    {
        var options = new SimulatorOptions();
        var rate = 0.0;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name} needs an integer");
            switch (name)
            {
                case "--port": options.Port = Int(); break;
                case "--public-host": options.PublicHost = Value(); break;
                case "--token": options.Token = Value(); break;
                case "--guilds": options.World = new World.WorldOptions { GuildCount = Int(), Seed = options.Seed }; break;
                case "--rate": rate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : throw new ArgumentException("--rate needs a number"); break;
                case "--max-concurrency": options.MaxConcurrency = Int(); break;
                case "--daily-identifies": options.DailyIdentifyTotal = Int(); break;
                case "--heartbeat-ms": options.HeartbeatIntervalMs = Int(); break;
                case "--identify-window-ms": options.IdentifyWindowMs = Int(); break;
                case "--resume-window-ms": options.ResumeWindowMs = Int(); break;
                case "--resume-listeners": options.ResumeListeners = Int(); break;
                case "--strict-resume-url": options.StrictResumeUrl = true; break;
                case "--shard-multiple": options.RequiredShardMultiple = Int(); break;
                case "--seed": options.Seed = Int(); break;
                case "--ready-seq-zero": options.ReadySequenceZero = true; break;
                case "--reuse-session-ids": options.ReuseSessionIds = true; break;
                case "--bad-token-close": options.BadTokenCloseCode = Int(); break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        options.Validate();
        return (options, rate);
    }
}
