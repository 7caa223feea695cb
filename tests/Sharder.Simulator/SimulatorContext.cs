using System.Collections.Concurrent;
using Sharder.Simulator.Apps;
using Sharder.Simulator.Events;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Gateway;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.World;

namespace Sharder.Simulator;

/// <summary>The services every connection of one simulator shares.</summary>
internal sealed class SimulatorContext
{
    private readonly Random _rng;
    private readonly ConcurrentDictionary<(int ShardId, int NumShards), string> _reusedSessionIds = new();
    private int _nextResumeListener;

    public SimulatorContext(SimulatorOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        _rng = new Random(options.Seed);
        Ledger = new GatewayLedger(time);
        World = new SimWorld(options.World, time);
        Uids = new EventUidSource(time);
        Events = new EventFactory(World, Uids, time, options.Seed);
        App = new SimApp(World.ApplicationId, options.Token,
            new IdentifyLimiter(time, options.MaxConcurrency, options.IdentifyWindowMs, options.DailyIdentifyTotal, options.DailyIdentifyWindowMs));
        Router = new EventRouter(this);
    }

    public SimulatorOptions Options { get; }
    public TimeProvider Time { get; }
    public GatewayLedger Ledger { get; }
    public SimWorld World { get; }
    public EventUidSource Uids { get; }
    public EventFactory Events { get; }
    public SimApp App { get; }
    public EventRouter Router { get; }
    public FaultInjector Faults { get; } = new();
    public ChangeSignal Changed { get; } = new();
    public ConcurrentDictionary<long, GatewayConnection> Connections { get; } = new();
    public ConcurrentQueue<ReceivedCommand> Commands { get; } = new();

    public ConcurrentQueue<ReceivedIdentify> Identifies { get; } = new();

    /// <summary>Closed connections, kept for transcripts and close info (bounded).</summary>
    public ConcurrentQueue<GatewayConnection> ClosedConnections { get; } = new();

    public string BootstrapListener { get; set; } = "bootstrap";
    public IReadOnlyList<(string Name, string Url)> ResumeListeners { get; set; } = [];

    /// <summary>The session id for a new session of <paramref name="shardId"/>: fresh, or with <see cref="SimulatorOptions.ReuseSessionIds"/> the same one every time.</summary>
    public string SessionIdFor(int shardId, int numShards) =>
        Options.ReuseSessionIds ? _reusedSessionIds.GetOrAdd((shardId, numShards), _ => NewSessionId()) : NewSessionId();

    public string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[16];
        lock (_rng) _rng.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public double NextDouble()
    {
        lock (_rng) return _rng.NextDouble();
    }

    public int NextInt(int maxExclusive)
    {
        lock (_rng) return _rng.Next(maxExclusive);
    }

    public (string Name, string Url) NextResumeListener()
    {
        var i = Interlocked.Increment(ref _nextResumeListener) - 1;
        return ResumeListeners[i % ResumeListeners.Count];
    }

    public void Retire(GatewayConnection connection)
    {
        Connections.TryRemove(connection.Id, out _);
        ClosedConnections.Enqueue(connection);
        while (ClosedConnections.Count > 10_000) ClosedConnections.TryDequeue(out _);
        Changed.Pulse();
    }
}
