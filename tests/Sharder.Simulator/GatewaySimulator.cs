using System.Net;
using Sharder.Simulator.Compression;
using Sharder.Simulator.Control;
using Sharder.Simulator.Events;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Gateway;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Net;
using Sharder.Simulator.Rest;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.World;

namespace Sharder.Simulator;

/// <summary>
/// A fake Discord: REST bootstrap, the WebSocket gateway on a bootstrap listener and one or more
/// resume listeners, the control API under <c>/_sim/</c>, and the ledger that proves what was lost
/// or duplicated. Use it in-process (tests) or through <c>Program</c> (standalone).
/// </summary>
public sealed class GatewaySimulator : IAsyncDisposable
{
    private readonly SimulatorContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<HttpServer> _servers = [];
    private readonly ControlApi _control;
    private RestApi? _rest;
    private EventGenerator? _generator;
    private HttpServer? _bootstrap;

    public GatewaySimulator(SimulatorOptions? options = null, TimeProvider? time = null)
    {
        Options = options ?? new SimulatorOptions();
        Options.Validate();
        _context = new SimulatorContext(Options, time ?? TimeProvider.System);
        _control = new ControlApi(this);
    }

    public SimulatorOptions Options { get; }
    public TimeProvider Time => _context.Time;
    public GatewayLedger Ledger => _context.Ledger;
    public SimWorld World => _context.World;
    public EventFactory Events => _context.Events;

    /// <summary>The token the app currently accepts (changes after <see cref="RegenerateToken"/>).</summary>
    public string Token => _context.App.Token;

    public bool TokenRevoked => _context.App.Revoked;
    public int Port => _bootstrap?.Port ?? throw new InvalidOperationException("The simulator is not started.");

    /// <summary>REST base, e.g. <c>http://127.0.0.1:P/api</c>; clients append <c>/v10/gateway/bot</c>.</summary>
    public string RestUrl => $"http://{Host}:{Port}/api";

    /// <summary>Bootstrap gateway URL, no trailing slash (what /gateway/bot returns).</summary>
    public string GatewayUrl => $"ws://{Host}:{Port}";

    /// <summary>The host in every URL handed out: <see cref="SimulatorOptions.PublicHost"/>, else loopback.</summary>
    public string Host => Options.PublicHost ?? "127.0.0.1";

    public IReadOnlyList<string> ResumeUrls => [.. _context.ResumeListeners.Select(l => l.Url)];

    public IReadOnlyCollection<string> UserAgents => _rest?.UserAgents ?? [];
    public int IdentifyBudgetRemaining => _context.App.Limiter.Remaining;
    public int BucketOrderViolations => _context.App.Limiter.BucketOrderViolations;

    public Task StartAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        _bootstrap = StartServer(_context.BootstrapListener, Options.Port);
        var resumes = new List<(string, string)>();
        for (var i = 0; i < Options.ResumeListeners; i++)
        {
            var server = StartServer($"resume-{i}", 0);
            resumes.Add((server.Name, $"ws://{Host}:{server.Port}"));
        }

        _context.ResumeListeners = resumes;
        _rest = new RestApi(_context, () => GatewayUrl);
        return Task.CompletedTask;
    }

    private HttpServer StartServer(string name, int port)
    {
        var server = new HttpServer(new HttpServerOptions
        {
            Name = name,
            Address = Options.PublicHost is null ? IPAddress.Loopback : IPAddress.Any,
            Port = port,
            HandleHttp = HandleHttpAsync,
            HandleWebSocket = HandleWebSocketAsync,
            HandshakeFault = _ => _context.Faults.TakeHandshakeFault(name),
        }, _context.Time);
        server.Start();
        _servers.Add(server);
        return server;
    }

    private async ValueTask<HttpResponse> HandleHttpAsync(HttpRequest request, CancellationToken ct)
    {
        if (RestApi.Handles(request.Path)) return await _rest!.HandleAsync(request, ct).ConfigureAwait(false);
        if (request.Path.StartsWith("/_sim", StringComparison.Ordinal)) return _control.Handle(request);
        return HttpResponse.Json(404, """{"message": "404: Not Found", "code": 0}""");
    }

    private Task HandleWebSocketAsync(HttpRequest request, WsConnection ws, CancellationToken ct)
    {
        // an unknown compress value is ignored, as Discord does.
        if (!TransportCompressionNames.TryParse(request.Query.GetValueOrDefault("compress"), out var compression)) compression = TransportCompression.None;
        var connection = new GatewayConnection(_context, ws, request, compression);
        _context.Connections[connection.Id] = connection;
        _context.Changed.Pulse();
        return connection.RunAsync(CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token).Token);
    }

    // ---------------- drive ----------------

    /// <summary>Routes one event to the sessions of its shard .</summary>
    public SimEvent Emit(SimEvent ev)
    {
        _context.Router.Route(ev);
        return ev;
    }

    public SimEvent EmitMessage(ulong? guildId, int approxBytes = 1024) => Emit(Events.MessageCreate(guildId, approxBytes));

    /// <summary>Emits <paramref name="count"/> events drawn from the mix, spread over all guilds.</summary>
    public void EmitMany(int count, EventMix? mix = null)
    {
        mix ??= new EventMix();
        for (var i = 0; i < count; i++) Emit(Events.Next(mix));
    }

    /// <summary>Starts (or retunes) the seeded background load.</summary>
    public void StartLoad(double eventsPerSecond, EventMix? mix = null)
    {
        _generator ??= new EventGenerator(Events, World, Time, ev => _context.Router.Route(ev));
        _generator.Start(eventsPerSecond, mix ?? new EventMix());
    }

    public void StopLoad() => _generator?.Stop();

    /// <summary>F27: the guild goes unavailable on its shard (GUILD_DELETE unavailable:true); sessions that
    /// identify during the outage get its unavailable stub in their GUILD_CREATE burst.</summary>
    public void GuildOutage(ulong guildId)
    {
        if (World.TryGetGuild(guildId, out var guild)) guild.Unavailable = true;
        Emit(Events.GuildDelete(guildId, unavailable: true));
    }

    /// <summary>F27: the guild comes back (a full GUILD_CREATE to every session of its shard).</summary>
    public void GuildRecovered(ulong guildId)
    {
        var guild = World.Guilds.First(g => g.Id == guildId);
        guild.Unavailable = false;
        foreach (var layout in _context.App.Layouts)
        {
            foreach (var session in layout.ByShard[Snowflake.ShardFor(guildId, layout.NumShards)])
            {
                var ev = Events.GuildCreate(guild, session.Intents, session.LargeThreshold);
                session.TryDispatch(ev.Type, ev.Uid, guildId, ev.Data, ev.ProducedAt);
            }
        }
    }

    /// <summary>
    /// Injects a fault. Handshake faults and Identify/Resume answer rules wait for their
    /// moment; connection faults hit the matching live connections now, or, when a shard is named
    /// that has no connection yet, its next one. Returns the number of connections hit now.
    /// </summary>
    public int Inject(FaultSpec spec)
    {
        if (FaultInjector.IsHandshakeOrStart(spec.Kind) || FaultInjector.IsAnswerRule(spec.Kind))
        {
            _context.Faults.Add(spec);
            return 0;
        }

        // Expiry is a fact about the session, attached or not: it must not depend on which sockets are still closing.
        if (spec is { Kind: FaultKind.ExpireSession, Trigger: FaultTrigger.Now }) return ExpireSessions(spec);

        var targets = _context.Connections.Values.Where(c => Matches(c, spec)).ToList();
        if (targets.Count == 0 && spec.ShardId is not null)
        {
            _context.Faults.Add(spec);
            return 0;
        }

        foreach (var connection in targets) connection.Inject(spec);
        return targets.Count;
    }

    private static bool Matches(GatewayConnection connection, FaultSpec spec)
    {
        if (connection.State == ConnectionState.Closed) return false;
        if (spec.ConnectionId is { } id) return connection.Id == id;
        var session = connection.Session;
        if (spec.SessionId is { } sid) return session?.Id == sid;
        if (spec.ShardId is { } shard) return session?.ShardId == shard;
        return true;
    }

    private int ExpireSessions(FaultSpec spec)
    {
        var count = 0;
        foreach (var session in _context.App.Sessions())
        {
            if (spec.SessionId is { } id ? session.Id != id : spec.ShardId is { } shard && session.ShardId != shard) continue;
            if (session.ExpireByFault(connectionId: 0, session.ResumeListener)) count++;
        }

        _context.Changed.Pulse();
        return count;
    }

    /// <summary>R-1.3 REST faults.</summary>
    public void InjectRest(RestFault fault) => _rest!.AddFault(fault);

    public void SetRecommendedShards(int? shards) => _rest!.ShardsOverride = shards;

    /// <summary>The test harness "regenerates" a revoked token .</summary>
    public string RegenerateToken(string? newToken = null) =>
        _context.App.Regenerate(newToken ?? $"sim-token-{_context.NewSessionId()}");

    // ---------------- inspect ----------------

    public IReadOnlyList<SessionInfo> Sessions() => [.. _context.App.Sessions().Select(s =>
        new SessionInfo(s.Id, s.ShardId, s.NumShards, s.IsLive() ? s.State : SessionState.Invalidated, s.Seq, s.BufferDepth,
            s.ResumeUrl, s.AttachedConnection?.Id, s.InvalidReason))];

    public IReadOnlyList<ConnectionInfo> Connections(bool includeClosed = false)
    {
        var open = _context.Connections.Values.Select(c => Describe(c, open: true));
        return includeClosed ? [.. open, .. _context.ClosedConnections.Select(c => Describe(c, open: false))] : [.. open];
    }

    public ConnectionInfo? Connection(long id) =>
        _context.Connections.TryGetValue(id, out var open) ? Describe(open, true)
        : _context.ClosedConnections.FirstOrDefault(c => c.Id == id) is { } closed ? Describe(closed, false) : null;

    private static ConnectionInfo Describe(GatewayConnection c, bool open) => new(c.Id, c.Listener, open, c.State, c.ShardId,
        c.Session?.Id, c.Compression, c.PayloadCompression, c.BytesIn, c.BytesOut, c.HighestSentSeq, c.LastHeartbeatSeq,
        c.CommandPeak, c.ServerCloseCode, c.ClientCloseCode, c.EndedWithoutCloseFrame, c.ConnectedAt, c.Request.Path,
        c.Request.Headers.GetValueOrDefault("User-Agent"));

    public IReadOnlyList<TranscriptEntry> Transcript(long connectionId) =>
        (_context.Connections.TryGetValue(connectionId, out var c) ? c : _context.ClosedConnections.FirstOrDefault(x => x.Id == connectionId))?.Transcript ?? [];

    public IReadOnlyList<ReceivedCommand> Commands => [.. _context.Commands];

    /// <summary>Every authenticated Identify received, in arrival order (without the token).</summary>
    public IReadOnlyList<ReceivedIdentify> Identifies => [.. _context.Identifies];

    /// <summary>Checks the R-10 invariants against what the system under test published.</summary>
    public InvariantReport Check(IReadOnlyList<SinkRecord> published, InvariantOptions? options = null) =>
        InvariantChecker.Check(Ledger.Snapshot(), published, options);

    /// <summary>Checks what a worker popped per guild, across shard generations (a reshard).</summary>
    public GuildDeliveryReport CheckPerGuild(IReadOnlyList<PoppedEvent> popped, GuildDeliveryOptions? options = null) =>
        GuildDeliveryCheck.Check(Ledger.Snapshot(), popped, options);

    // ---------------- await (R-8.4) ----------------

    public Task WaitUntilAsync(Func<GatewaySimulator, bool> condition, TimeSpan timeout, string what, CancellationToken ct = default) =>
        _context.Changed.WaitAsync(() => condition(this), timeout, what, ct);

    /// <summary>Every shard 0..numShards-1 has an attached session.</summary>
    public Task WaitForShardsReadyAsync(int numShards, TimeSpan timeout, CancellationToken ct = default) =>
        WaitUntilAsync(s =>
        {
            var ready = new HashSet<int>();
            foreach (var session in s._context.App.Sessions())
            {
                if (session.NumShards == numShards && session.State == SessionState.Attached && session.IsLive()) ready.Add(session.ShardId);
            }

            return ready.Count == numShards;
        }, timeout, $"{numShards} shards to be READY", ct);

    public Task WaitForConnectionCountAsync(int count, TimeSpan timeout, CancellationToken ct = default) =>
        WaitUntilAsync(s => s._context.Connections.Count == count, timeout, $"{count} open connections", ct);

    public async Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        ReceivedCommand? found = null;
        await WaitUntilAsync(_ => (found = _context.Commands.FirstOrDefault(match)) is not null, timeout, "a matching command", ct).ConfigureAwait(false);
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_generator is not null) await _generator.DisposeAsync().ConfigureAwait(false);
        foreach (var server in _servers) await server.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
