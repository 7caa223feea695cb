using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.World;
using Sharder.TestKit;
using Xunit.Abstractions;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// One scenario: an in-process <see cref="GatewaySimulator"/> with short time constants, real
/// <see cref="ShardConnection"/>s over real WebSockets, one shared <see cref="RecordingSink"/> and one
/// identify gate. Waits poll a condition with a deadline (never a sleep); <see cref="AssertLedgerAsync"/>
/// checks the simulator's no-loss / no-duplicate oracle against what the sink accepted.
/// </summary>
internal sealed class GatewayScenario : IAsyncDisposable
{
    /// <summary>Name of the simulator's bootstrap listener (resume listeners are "resume-0", …).</summary>
    public const string BootstrapListener = "bootstrap";

    public const string ResumeListener = "resume-0";

    /// <summary>
    /// Default gateway heartbeat interval. Scenarios that are not about heartbeats keep it long enough
    /// that a busy machine (parallel scenarios, large payloads) never delays an ACK past it, which would
    /// make the shard close a healthy connection as a zombie.
    /// </summary>
    public const int HeartbeatIntervalMs = 3_000;

    /// <summary>Heartbeat interval of scenarios about heartbeats: zombie and deadline paths then take a second or two.</summary>
    public const int FastHeartbeatIntervalMs = 1_000;

    /// <summary>
    /// The simulator drops a connection after interval × this without a heartbeat. Discord's factor is
    /// undocumented (simulator default 1.5, i.e. half an interval of timer slack); scenarios allow a whole
    /// interval, which a loaded test machine cannot eat.
    /// </summary>
    public const double HeartbeatToleranceFactor = 2;

    /// <summary>The simulator's identify window per rate-limit key.</summary>
    public const int IdentifyWindowMs = 100;

    /// <summary>Every intent the simulator documents, so MESSAGE_CREATE and presences are routed.</summary>
    public const ulong AllIntents = 0x331FFFF;

    /// <summary>Upper bound for any single wait; scenarios finish in a fraction of it.</summary>
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The shards' identify spacing: the simulator's window plus a margin. The margin is wide because the
    /// in-process simulator times an Identify when this (possibly stalled) test process gets to it.
    /// </summary>
    public static readonly TimeSpan IdentifyGateWindow = TimeSpan.FromMilliseconds(IdentifyWindowMs + 400);

    /// <summary>How long an identify permit stays usable: half the margin, the other half is for the way to the simulator.</summary>
    public static readonly TimeSpan IdentifyPermitGrace = TimeSpan.FromMilliseconds(200);

    private readonly ITestOutputHelper _output;
    private readonly List<ShardConnection> _shards = [];

    private GatewayScenario(GatewaySimulator simulator, GatewayOptions options, int maxConcurrency, ITestOutputHelper output)
    {
        Simulator = simulator;
        Options = options;
        _output = output;
        IdentifyGate = new HeldIdentifyGate(maxConcurrency, IdentifyGateWindow, IdentifyPermitGrace);
        Transports = new StallableTransportFactory(options);
    }

    public GatewaySimulator Simulator { get; }

    public GatewayOptions Options { get; }

    public RecordingSink Sink { get; } = new();

    public HeldIdentifyGate IdentifyGate { get; }

    public StallableTransportFactory Transports { get; }

    /// <summary>Every connection the simulator accepted, open or closed, in connection order.</summary>
    public IReadOnlyList<ConnectionInfo> Connections =>
        [.. Simulator.Connections(includeClosed: true).OrderBy(c => c.Id)];

    /// <summary>Starts a simulator and prepares shard settings; no shard runs until <see cref="StartShard"/>.</summary>
    /// <param name="output">Receives the shards' warnings and the scenario's summary.</param>
    /// <param name="compression">Transport compression the shards request.</param>
    /// <param name="configureSimulator">Changes to the short-timing simulator defaults.</param>
    /// <param name="configureGateway">Changes to the short-timing shard defaults.</param>
    /// <param name="maxConcurrency">Identify concurrency, applied to the simulator and the gate alike.</param>
    public static async Task<GatewayScenario> StartAsync(
        ITestOutputHelper output,
        GatewayCompression compression,
        Action<SimulatorOptions>? configureSimulator = null,
        Action<GatewayOptions>? configureGateway = null,
        int maxConcurrency = 1)
    {
        var simulatorOptions = new SimulatorOptions
        {
            HeartbeatIntervalMs = HeartbeatIntervalMs,
            HeartbeatToleranceFactor = HeartbeatToleranceFactor,
            IdentifyWindowMs = IdentifyWindowMs,
            MaxConcurrency = maxConcurrency,
            ResumeWindowMs = 60_000,
            ReconnectGraceMs = 300,
        };

        // The default mix makes one guild in twenty a 1–8 MB GUILD_CREATE; scenarios that want one add it.
        simulatorOptions.World.GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly();
        configureSimulator?.Invoke(simulatorOptions);
        var simulator = new GatewaySimulator(simulatorOptions);
        await simulator.StartAsync();

        var options = new GatewayOptions
        {
            BootstrapUrl = new Uri(simulator.GatewayUrl),
            Compression = compression,
            Intents = AllIntents,
            HandshakeTimeout = TimeSpan.FromSeconds(2),
            HelloTimeout = TimeSpan.FromSeconds(2),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            SinkStallTimeout = TimeSpan.FromSeconds(5),
        };
        configureGateway?.Invoke(options);
        return new GatewayScenario(simulator, options, maxConcurrency, output);
    }

    /// <summary>Creates and starts a shard on the scenario's sink, gate and transports.</summary>
    /// <param name="shardId">Zero-based shard id.</param>
    /// <param name="shardCount">Total shards.</param>
    /// <param name="token">The token to identify with; the simulator's own by default.</param>
    /// <param name="session">A session exported by another shard object, to resume.</param>
    public ShardConnection StartShard(int shardId = 0, int shardCount = 1, string? token = null, ShardSession? session = null)
    {
        var logger = new TestOutputLogger(_output, $"shard[{shardId}/{shardCount}]#{_shards.Count}", LogLevel.Information);
        var shard = new ShardConnection(
            shardId,
            shardCount,
            new BotToken(token ?? Simulator.Token),
            Options,
            Transports,
            IdentifyGate,
            Sink.ForShard(shardId),
            TimeProvider.System,
            logger,
            session);
        _shards.Add(shard);
        shard.Start();
        return shard;
    }

    /// <summary>Starts shard 0 of 1 and waits for its READY.</summary>
    public async Task<ShardConnection> StartReadyShardAsync()
    {
        var shard = StartShard();
        await WaitUntilAsync(() => shard.State == GatewayState.Active && IsRoutable(shard), "shard 0 is Active after READY");
        return shard;
    }

    /// <summary>Waits for <paramref name="condition"/>; on timeout the message also describes every shard.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string because)
    {
        try
        {
            await Eventually.TrueAsync(condition, WaitTimeout, because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{DescribeAll()}", ex);
        }
    }

    /// <summary>Waits until the shard is Active again after <paramref name="resumes"/> resumes in total.</summary>
    public Task WaitResumedAsync(ShardConnection shard, int resumes = 1) =>
        WaitUntilAsync(
            () => shard.State == GatewayState.Active && shard.Status.Resumes >= resumes,
            $"shard {shard.ShardId} resumed {resumes} time(s) and is Active");

    /// <summary>Waits until the shard is Active and the sink saw <paramref name="sessions"/> new sessions (READY) of its shard id.</summary>
    public Task WaitForNewSessionsAsync(ShardConnection shard, int sessions) =>
        WaitUntilAsync(
            () => shard.State == GatewayState.Active && NewSessions(shard.ShardId) >= sessions && IsRoutable(shard),
            $"shard {shard.ShardId} started {sessions} new session(s) and is Active");

    /// <summary>
    /// Whether the simulator routes new events to the shard's current session. The simulator sends READY
    /// and builds the GUILD_CREATE burst before it adds a new session to routing, so a shard can be
    /// Active while events produced in that moment are still recorded as undeliverable.
    /// </summary>
    public bool IsRoutable(ShardConnection shard) =>
        shard.Status.SessionId is { } id && Simulator.Sessions().Any(s => s.Id == id && s.State == SessionState.Attached);

    /// <summary>New sessions (READY, not RESUMED) the sink was told about for <paramref name="shardId"/>.</summary>
    public int NewSessions(int shardId) => Sink.SessionStarts.Count(s => s.ShardId == shardId && !s.Resumed);

    /// <summary>Emits <paramref name="count"/> MESSAGE_CREATE events into the guilds of one shard, round robin.</summary>
    public int EmitMessages(int count, int shardId = 0, int shardCount = 1)
    {
        var guilds = Simulator.World.GuildsForShard(shardId, shardCount).ToArray();
        Assert.NotEmpty(guilds);
        for (var i = 0; i < count; i++)
        {
            Simulator.EmitMessage(guilds[i % guilds.Length].Id, approxBytes: 512);
        }

        return count;
    }

    /// <summary>Emits <paramref name="count"/> MESSAGE_CREATE events spread over every guild of the world.</summary>
    public int EmitMessagesEverywhere(int count)
    {
        var guilds = Simulator.World.Guilds;
        for (var i = 0; i < count; i++)
        {
            Simulator.EmitMessage(guilds[i % guilds.Count].Id, approxBytes: 512);
        }

        return count;
    }

    /// <summary>Waits until the sink holds at least <paramref name="count"/> distinct MESSAGE_CREATE events.</summary>
    public Task WaitForMessagesAsync(int count) =>
        WaitUntilAsync(() => Sink.MessageCount >= count, $"the sink holds {count} MESSAGE_CREATE events (has {Sink.MessageCount})");

    public InvariantReport Check(InvariantOptions? options = null) => Simulator.Check(Sink.Records, options);

    /// <summary>
    /// Waits until every event the simulator sent was published (and, with <paramref name="expectAllSent"/>,
    /// every routed event was sent), then asserts every invariant and returns the report.
    /// </summary>
    public async Task<InvariantReport> AssertLedgerAsync(InvariantOptions? options = null, bool expectAllSent = true)
    {
        options ??= new InvariantOptions();
        var report = Check(options);
        try
        {
            await Eventually.TrueAsync(
                () =>
                {
                    report = Check(options);
                    return report.Lost == 0 && (!expectAllSent || report.RoutedNeverSent == 0);
                },
                WaitTimeout,
                "every event the simulator sent is published");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last report: {report}{Environment.NewLine}{string.Join(Environment.NewLine, report.Violations.Take(20))}", ex);
        }

        _output.WriteLine($"ledger: {report}");
        report.AssertOk();
        return report;
    }

    /// <summary>One line per shard and per connection, for failure messages.</summary>
    public string DescribeAll()
    {
        var text = new StringBuilder();
        foreach (var shard in _shards)
        {
            text.AppendLine(Describe(shard));
        }

        foreach (var connection in Connections)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  connection {connection.Id} on {connection.Listener}: open={connection.Open} state={connection.State} session={connection.SessionId} "
                + $"server-close={connection.ServerCloseCode} client-close={connection.ClientCloseCode} no-frame={connection.EndedWithoutCloseFrame}");
        }

        return text.ToString();
    }

    public static string Describe(ShardConnection shard)
    {
        var status = shard.Status;
        var reconnects = string.Join(",", status.Reconnects.Select(r => $"{r.Key}:{r.Value}"));
        return $"shard {status.ShardId}/{status.ShardCount}: state={status.State} identifies={status.Identifies} resumes={status.Resumes} "
            + $"seq={status.LastSequence}/{status.LastDeliveredSequence} last-close={status.LastCloseCode} reconnects=[{reconnects}] fatal={status.FatalReason} "
            + $"identify-failures={status.IdentifyFailures} identify-backoff-until={status.IdentifyBackoffUntil:O}";
    }

    public async ValueTask DisposeAsync()
    {
        Transports.ReleaseSends();
        IdentifyGate.Release();
        Sink.Refusing = false;
        Sink.Release();
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }

        IdentifyGate.Dispose();
        await Simulator.DisposeAsync();
    }
}
