using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Sharder.Grains.Commands;
using Sharder.Grains.Coordination;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Options;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;
using Sharder.Grains.Supervision;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Shards;

/// <summary>
/// One shard (id and total, <see cref="ShardRef"/>): owns a <see cref="ShardConnection"/> for as long as it is
/// active. Its generation must be in service or part of the active resharding run (<see cref="ShardingStore"/>);
/// its role there sets the <see cref="CutoverFilter"/> its sink applies. On activation it takes a
/// new fencing epoch in Redis, then starts the connection with the session handed over by a migration, or
/// else the one in the Redis checkpoint (crash recovery), or else none (it identifies through the
/// coordinator). Events go from the connection's own loop straight to Redis; the grain only starts, stops
/// and reports. Kept alive (<see cref="KeepAliveAttribute"/>): its loop does not count as activity.
/// </summary>
[KeepAlive]
[RandomPlacement]
internal sealed partial class ShardGrain : Grain, IShardGrain
{
    private readonly RedisEventPublisher _publisher;
    private readonly LocalShardRegistry _registry;
    private readonly CommandPump _commandPump;
    private readonly ShardSelectionProvider _selection;
    private readonly GatewayOptions _gatewayOptions;
    private readonly DiscordOptions _discordOptions;
    private readonly IGatewayTransportFactory _transports;
    private readonly SharderInstruments _instruments;
    private readonly DeliveryProblemBoard _deliveryProblems;
    private readonly ShardingStore _sharding;
    private readonly ReshardOptions _reshardOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    private ShardConnection? _connection;
    private ShardEventSink? _sink;
    private CoordinatorIdentifyGate? _identifyGate;
    private CutoverFilter? _cutover;
    private bool _hostsCommands;
    private int _keyTotal;
    private long _epoch;
    private ShardStartKind _startKind;
    private DateTimeOffset _activatedAt;
    private TimeSpan? _handoffGap;

    public ShardGrain(
        RedisEventPublisher publisher,
        LocalShardRegistry registry,
        CommandPump commandPump,
        ShardSelectionProvider selection,
        IOptions<GatewayOptions> gatewayOptions,
        IOptions<DiscordOptions> discordOptions,
        IGatewayTransportFactory transports,
        SharderInstruments instruments,
        IClusterMembershipService membership,
        ILocalSiloDetails localSilo,
        TimeProvider timeProvider,
        ILogger<ShardGrain> logger,
        DeliveryProblemBoard deliveryProblems,
        ShardingStore sharding,
        IOptions<ReshardOptions> reshardOptions)
    {
        ArgumentNullException.ThrowIfNull(gatewayOptions);
        ArgumentNullException.ThrowIfNull(reshardOptions);
        _sharding = sharding;
        _reshardOptions = reshardOptions.Value;
        ArgumentNullException.ThrowIfNull(discordOptions);
        _publisher = publisher;
        _registry = registry;
        _commandPump = commandPump;
        _selection = selection;
        _gatewayOptions = gatewayOptions.Value;
        _discordOptions = discordOptions.Value;
        _transports = transports;
        _instruments = instruments;
        _membership = membership;
        _localSilo = localSilo;
        _timeProvider = timeProvider;
        _logger = logger;
        _deliveryProblems = deliveryProblems;
    }

    private ShardRef Shard => ShardRef.FromGrainKey(this.GetPrimaryKeyLong());

    private int ShardId => Shard.Id;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var shard = Shard;
        var shardId = shard.Id;
        var shardCount = shard.Total;
        _activatedAt = _timeProvider.GetUtcNow();
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        var sharding = await _sharding.LoadAsync(selection.Total).ConfigureAwait(true);
        var role = sharding.RoleOf(shardCount)
            ?? throw new InvalidOperationException(
                $"Shard {shard} is not live: {sharding.Total} shards are in service and no resharding run involves {shardCount}.");
        _keyTotal = sharding.KeyTotalOf(shardCount);
        _epoch = await _publisher.AcquireEpochAsync(shardId, _keyTotal).ConfigureAwait(true);
        var session = await ChooseSessionAsync(shardId, shardCount).ConfigureAwait(true);
        if (role == GenerationRole.Old && sharding.ActiveRun?.Cutover is not null && session is null)
        {
            // Resuming replays what it missed before T; a new session after T would only receive events the new generation publishes.
            throw new InvalidOperationException($"Shard {shard} belongs to the generation a resharding run is replacing; it does not identify again after the cut-over.");
        }

        var token = new BotToken(_discordOptions.Token
            ?? throw new InvalidOperationException($"{DiscordOptions.DISCORD_TOKEN} is not set; a shard cannot connect without it."));

        _cutover = new CutoverFilter(
            role, _timeProvider, role == GenerationRole.New ? new GuildReadiness(_reshardOptions.GuildTimeout) : null);
        if (role != GenerationRole.Sole && sharding.ActiveRun is { Cutover: { } cutover } run)
        {
            _cutover.SetCutover(cutover, run.Window);
        }

        _sink = new ShardEventSink(
            shardId, _epoch, _publisher, session?.Sequence ?? 0, OnFenced, _instruments, _deliveryProblems, _timeProvider, _logger,
            _keyTotal, _cutover);
        var gate = new CoordinatorIdentifyGate(
            GrainFactory.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey), shardCount, _timeProvider, _logger, _inheritedSlot);
        _identifyGate = gate;
        var connection = new ShardConnection(
            shardId, shardCount, token, await GatewayOptionsAsync().ConfigureAwait(true), _transports, gate, _sink, _timeProvider, _logger, session,
            metrics: _instruments);
        _connection = connection;

        // During a run the generation in service keeps the commands; the new one takes them when it is promoted.
        _hostsCommands = role != GenerationRole.New;
        _registry.Register(connection, _hostsCommands);
        if (_hostsCommands)
        {
            _commandPump.Host(shardId, shardCount);
        }

        connection.Start();
        _ = ReportFatalCloseAsync(connection);
        _instruments.OnShardActivated(_startKind);
        ShardLog.Activated(_logger, shardId, _localSilo.SiloAddress, _epoch, _startKind, session?.SessionId, session?.Sequence ?? 0);
    }

    public Task EnsureActiveAsync() => Task.CompletedTask;

    /// <summary>Connects where <c>/gateway/bot</c> says, unless <c>Discord:GatewayUrl</c> pins a URL.</summary>
    private async Task<GatewayOptions> GatewayOptionsAsync()
    {
        if (_discordOptions.GatewayUrl is not null) return _gatewayOptions;
        var url = await GrainFactory.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey).GetGatewayUrlAsync().ConfigureAwait(true);
        return url is null ? _gatewayOptions : _gatewayOptions.WithBootstrapUrl(new Uri(url.TrimEnd('/')));
    }

    public Task<ShardGrainStatus> GetStatusAsync()
    {
        var status = _connection?.Status;
        var activity = _instruments.EventActivity(ShardId);
        return Task.FromResult(new ShardGrainStatus(
            ShardId,
            _connection?.ShardCount ?? 0,
            _localSilo.SiloAddress,
            DeliveryDegraded() ? "Degraded" : status?.State.ToString() ?? "Stopped",
            status?.SessionId,
            status?.LastDeliveredSequence,
            _epoch,
            _startKind,
            _activatedAt,
            _handoffGap,
            status?.Resumes ?? 0,
            status?.Identifies ?? 0,
            _sink?.IsFenced ?? false)
        {
            Generation = _cutover?.Role switch
            {
                GenerationRole.Old => "old",
                GenerationRole.New => "new",
                _ => "in_service",
            },
            IdentifyFailures = status?.IdentifyFailures ?? 0,
            IdentifyBackoffUntil = status?.IdentifyBackoffUntil,
            StateSince = status?.StateSince,
            HeartbeatLatency = status?.Latency,
            LastCloseCode = status?.LastCloseCode,
            FatalReason = status?.FatalReason,
            Reconnects = status?.TotalReconnects ?? 0,
            EventsPublished = activity?.Published ?? 0,
            LastEventAt = activity?.LastPublishedAt,
        });
    }

    /// <summary>Whether the shard cannot deliver to Redis (a refusal, or an outage that lasts): never reported Active then.</summary>
    private bool DeliveryDegraded()
        => _sink?.Problem is { } problem && problem.Degrades(_timeProvider.GetUtcNow(), HostedShardsHealth.DefaultStallThreshold);

    /// <summary>Sends a command after the same checks as a worker's (<see cref="CommandValidator"/>); waits until it is sent.</summary>
    /// <exception cref="ArgumentException">The command would not pass; the message says why.</exception>
    public async Task SendCommandAsync(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var verdict = _commandPump.Validator.Validate(payload);
        if (verdict.Reason is { } reason)
        {
            throw new ArgumentException($"The command was refused: {reason}, {verdict.Detail}.", nameof(payload));
        }

        var connection = _connection ?? throw new InvalidOperationException($"Shard {ShardId} has no connection.");
        await connection.SendAsync(payload, CancellationToken.None).ConfigureAwait(true);
    }

    private async Task<ShardSession?> ChooseSessionAsync(int shardId, int shardCount)
    {
        if (_rehydrated is { } handoff && handoff.ShardCount == shardCount)
        {
            _handoffGap = _timeProvider.GetUtcNow() - handoff.StopStartedAt;
            _instruments.OnHandoff(_handoffGap.Value);
            if (SessionFieldRules.IsUsable(handoff.Session.SessionId, handoff.Session.Sequence, out var handoffProblem))
            {
                _startKind = ShardStartKind.Migration;
                ShardLog.Rehydrated(_logger, shardId, handoff.Session.SessionId, handoff.Session.Sequence, _handoffGap.Value);
                return handoff.Session;
            }

            ShardLog.StoredSessionIgnored(_logger, shardId, "hand-off", handoffProblem!);
        }

        // The checkpoint is what reached Redis, so resuming from it replays exactly what is missing. Anyone who can
        // write Redis can write it: its fields are checked here and its resume URL by the connection's ResumeUrlPolicy.
        if (await _publisher.ReadCheckpointAsync(shardId, _keyTotal).ConfigureAwait(true) is { } checkpoint)
        {
            if (SessionFieldRules.IsUsable(checkpoint.Session.SessionId, checkpoint.Session.Sequence, out var checkpointProblem))
            {
                _startKind = ShardStartKind.Checkpoint;
                return checkpoint.Session;
            }

            ShardLog.StoredSessionIgnored(_logger, shardId, "checkpoint", checkpointProblem!);
        }

        _startKind = ShardStartKind.Identify;
        return null;
    }

    /// <summary>Runs on the connection's delivery loop: deactivate this activation on its own scheduler.</summary>
    private void OnFenced()
    {
        ShardLog.Fenced(_logger, ShardId, _epoch);
        GrainContext.Scheduler.QueueAction(() => GrainContext.Deactivate(
            new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "A newer activation owns the shard (stale epoch).")));
    }

    private async Task ReportFatalCloseAsync(ShardConnection connection)
    {
        try
        {
            await connection.Completion.ConfigureAwait(true);
        }
        catch (GatewayFatalCloseException ex)
        {
            ShardLog.FatallyClosed(_logger, connection.ShardId, ex.Message);
            if (ex.CloseCode == (int)GatewayCloseCode.ShardingRequired)
            {
                await GrainFactory.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey)
                    .ReportShardingRequiredAsync(connection.ShardId).ConfigureAwait(true);
            }

            await _commandPump.DeadLetterUnsentAsync(
                connection.ShardId, connection.TakeUnsentCommands(), CommandRejectReason.ShardFatallyClosed, ex.Message).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Observed only to log it; the loop logged its own failure already.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
