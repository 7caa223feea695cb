using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Sharder.Grains.Coordination;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Options;
using Sharder.Grains.Resharding;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Supervision;

/// <summary>
/// Keeps every configured shard active and the shards spread over the active silos. Stateless on purpose:
/// the shard list comes from configuration (<see cref="ShardSelectionProvider"/>), where each shard runs
/// from the shards themselves, so a new activation anywhere picks up at once. A timer re-ensures every
/// <see cref="SupervisorOptions.EnsureInterval"/>; the <see cref="MembershipWatcher"/> calls it on changes.
/// The one thing it remembers is the operator's list of drained silos (<see cref="DrainSiloAsync"/>): kept in
/// memory, handed to the next activation when this silo stops gracefully, and forgotten for a silo once it
/// leaves the cluster (a restarted silo has a new address, so it takes shards again).
/// </summary>
internal sealed partial class ShardSupervisorGrain : Grain, IShardSupervisorGrain, IGrainMigrationParticipant
{
    private const string DrainedKey = "sharder.drained-silos";

    private readonly HashSet<SiloAddress> _drained = [];
    private readonly ShardSelectionProvider _selection;
    private readonly IClusterMembershipService _membership;
    private readonly SupervisorOptions _options;
    private readonly SharderInstruments _instruments;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private DateTimeOffset? _lastRebalanceAt;
    private int _lastRebalanceMoves;

    public ShardSupervisorGrain(
        ShardSelectionProvider selection,
        IClusterMembershipService membership,
        IOptions<SupervisorOptions> options,
        SharderInstruments instruments,
        TimeProvider timeProvider,
        ILogger<ShardSupervisorGrain> logger,
        ShardingStore sharding,
        RedisEventPublisher publisher,
        IOptions<ReshardOptions> reshardOptions,
        IOptions<ShardingOptions> shardingOptions,
        GatewayBotClient gatewayBot)
    {
        _gatewayBot = gatewayBot;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reshardOptions);
        ArgumentNullException.ThrowIfNull(shardingOptions);
        _selectionFromGateway = shardingOptions.Value.UsesGatewayRecommendation;
        _reshardOnConfigChange = shardingOptions.Value.ReshardOnConfigChange;
        _sharding = sharding;
        _publisher = publisher;
        _reshard = reshardOptions.Value;
        _runMachine = new ReshardRunMachine(_reshard);
        _selection = selection;
        _membership = membership;
        _options = options.Value;
        _instruments = instruments;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Orleans only deactivates on shutdown; migrating keeps the drained list (see OnDehydrate).
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && PruneDrained().Count > 0 && OpenSilos().Any())
        {
            this.MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        if (_drained.Count > 0)
        {
            dehydrationContext.TryAddValue(DrainedKey, _drained.ToArray());
        }
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue<SiloAddress[]>(DrainedKey, out var drained) && drained is not null)
        {
            _drained.UnionWith(drained);
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ResumeReshardAsync().ConfigureAwait(true);
        StartAutoReshardTimer();
        this.RegisterGrainTimer(
            static (grain, _) => grain.EnsureShardsAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = _options.EnsureInterval,
                Period = _options.EnsureInterval,
                KeepAlive = true,
                Interleave = false,
            });
    }

    public async Task EnsureShardsAsync()
    {
        if (await TryGetShardIdsAsync().ConfigureAwait(true) is not { } shardIds)
        {
            return;
        }

        if (_closingOldGeneration)
        {
            shardIds = []; // the old generation is being closed: only the new one (ensured by the run) stays up
        }

        // Started in increasing shard order, so on a cold start identify requests reach the coordinator
        // mostly in bucket order; bounded so a large bot does not flood the cluster with activations.
        // While silos are drained, each call carries a placement hint to an open silo (dealt round-robin):
        // a shard that is not active then starts there, not on a drained silo.
        var open = PruneDrained().Count > 0 ? OpenSilos().ToArray() : [];
        var running = new List<Task>(_options.MaxConcurrentActivations);
        var dealt = 0;
        foreach (var shardId in shardIds)
        {
            if (running.Count >= _options.MaxConcurrentActivations)
            {
                running.Remove(await Task.WhenAny(running).ConfigureAwait(true));
            }

            running.Add(EnsureShardAsync(shardId, open.Length > 0 ? open[dealt++ % open.Length] : null));
        }

        await Task.WhenAll(running).ConfigureAwait(true);
        await PromoteIfPendingAsync().ConfigureAwait(true);
        if (_drained.Count > 0)
        {
            // A shard migrated off a stopping silo lands at random, possibly on a drained one: sent away again.
            await MoveOffDrainedAsync(shardIds).ConfigureAwait(true);
        }
    }

    public async Task<ShardMoveResult> MoveShardAsync(int shardId, SiloAddress? target)
    {
        var shardIds = await InServiceShardIdsAsync().ConfigureAwait(true);
        if (!shardIds.Contains(shardId))
        {
            return new ShardMoveResult(shardId, null, target, ShardMoveOutcome.UnknownShard);
        }

        var drained = PruneDrained();
        if (target is not null && !ActiveSilos().Contains(target))
        {
            return new ShardMoveResult(shardId, null, target, ShardMoveOutcome.TargetNotActive);
        }

        if (target is not null && drained.Contains(target))
        {
            return new ShardMoveResult(shardId, null, target, ShardMoveOutcome.TargetDrained);
        }

        var statuses = await GetShardStatusesAsync(shardIds).ConfigureAwait(true);
        if (statuses.FirstOrDefault(s => s.ShardId == shardId) is not { } status)
        {
            return new ShardMoveResult(shardId, null, target, ShardMoveOutcome.Failed);
        }

        if (target is null)
        {
            var pick = DrainPlanner.PickTarget(
                status.Silo.ToParsableString(),
                Placement(statuses),
                [.. ActiveSilos().Select(s => s.ToParsableString())],
                drained.Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal));
            if (pick is null)
            {
                return new ShardMoveResult(shardId, status.Silo, null, ShardMoveOutcome.NoTarget);
            }

            target = SiloAddress.FromParsableString(pick);
        }

        if (target.Equals(status.Silo))
        {
            return new ShardMoveResult(shardId, status.Silo, target, ShardMoveOutcome.AlreadyThere);
        }

        return await SendAsync(new ShardMove(shardId, status.Silo.ToParsableString(), target.ToParsableString())).ConfigureAwait(true);
    }

    public async Task<SiloDrainResult> DrainSiloAsync(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var drained = PruneDrained();
        if (!ActiveSilos().Contains(silo))
        {
            return new SiloDrainResult(silo, SiloDrainOutcome.NotActive, []);
        }

        if (!OpenSilos().Any(open => !open.Equals(silo)))
        {
            return new SiloDrainResult(silo, SiloDrainOutcome.NoOtherSilo, []);
        }

        if (drained.Add(silo))
        {
            SupervisionLog.Draining(_logger, silo);
        }

        var shardIds = await InServiceShardIdsAsync().ConfigureAwait(true);
        var moves = await MoveOffDrainedAsync(shardIds).ConfigureAwait(true);
        return new SiloDrainResult(silo, SiloDrainOutcome.Drained, [.. moves.Where(m => silo.Equals(m.From))]);
    }

    public async Task RebalanceAsync()
    {
        if (await TryGetShardIdsAsync().ConfigureAwait(true) is not { } shardIds)
        {
            return;
        }

        var statuses = await GetShardStatusesAsync(shardIds).ConfigureAwait(true);
        var currentSilo = statuses.ToDictionary(s => s.ShardId, s => s.Silo.ToParsableString());
        var activeSilos = OpenSilos().Select(s => s.ToParsableString()).ToArray();
        var withSession = statuses.Where(s => s.SessionId is not null).Select(s => s.ShardId).ToHashSet();
        var moves = ShardAssignment.Plan(shardIds, currentSilo, activeSilos, withSession);
        SupervisionLog.Rebalancing(_logger, moves.Count, activeSilos.Length);
        foreach (var move in moves)
        {
            SupervisionLog.Moving(_logger, move.ShardId, move.FromSilo, move.ToSilo);
            try
            {
                await GrainFactory.GetShard(InService(move.ShardId))
                    .MoveToAsync(SiloAddress.FromParsableString(move.ToSilo)).ConfigureAwait(true);
            }
#pragma warning disable CA1031 // One shard that cannot move must not stop the others; the next rebalance retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SupervisionLog.ShardCallFailed(_logger, move.ShardId, ex);
            }
        }

        _lastRebalanceAt = _timeProvider.GetUtcNow();
        _lastRebalanceMoves = moves.Count;
        _instruments.OnRebalanced(moves.Count);
    }

    public async Task<ClusterStatus> GetStatusAsync()
    {
        var shardIds = await InServiceShardIdsAsync().ConfigureAwait(true);
        var statuses = await GetShardStatusesAsync(shardIds).ConfigureAwait(true);
        var run = _record?.Run;
        if (run is { IsActive: true, State: not ReshardState.Starting })
        {
            // Both generations during a run: the new one's rows carry its total.
            statuses = statuses.AddRange(await GetShardStatusesAsync(run.To).ConfigureAwait(true));
        }

        return new ClusterStatus(
            _inServiceTotal,
            [.. statuses.OrderBy(s => s.ShardCount == _inServiceTotal ? 0 : 1).ThenBy(s => s.ShardId)],
            [.. ActiveSilos()],
            _lastRebalanceAt,
            _lastRebalanceMoves)
        {
            DrainedSilos = [.. PruneDrained().OrderBy(s => s.ToParsableString(), StringComparer.Ordinal)],
            Reshard = run,
        };
    }

    private async Task<IReadOnlyList<int>?> TryGetShardIdsAsync()
    {
        try
        {
            return await InServiceShardIdsAsync().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // Logged; the timer asks again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.SelectionFailed(_logger, ex);
            return null;
        }
    }

    private Task EnsureShardAsync(int shardId, SiloAddress? placementHint) => EnsureShardAsync(InService(shardId), placementHint);

    private async Task EnsureShardAsync(ShardRef shard, SiloAddress? placementHint)
    {
        try
        {
            if (placementHint is not null)
            {
                // Scoped to this async method: the hint flows into this one call only.
                RequestContext.Set(IPlacementDirector.PlacementHintKey, placementHint);
            }

            await GrainFactory.GetShard(shard).EnsureActiveAsync().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // One shard failing to activate must not stop the others; the timer retries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.EnsureFailed(_logger, shard.Id, ex);
        }
    }

    private Task<ImmutableArray<ShardGrainStatus>> GetShardStatusesAsync(IReadOnlyList<int> shardIds)
        => GetShardStatusesAsync([.. shardIds.Select(InService)]);

    private Task<ImmutableArray<ShardGrainStatus>> GetShardStatusesAsync(int generationTotal)
        => GetShardStatusesAsync([.. Enumerable.Range(0, generationTotal).Select(id => new ShardRef(id, generationTotal))]);

    private async Task<ImmutableArray<ShardGrainStatus>> GetShardStatusesAsync(ShardRef[] shards)
    {
        var calls = shards.Select(async shard =>
        {
            var shardId = shard.Id;
            try
            {
                return await GrainFactory.GetShard(shard).GetStatusAsync().ConfigureAwait(true);
            }
#pragma warning disable CA1031 // A shard that cannot answer is left out; it has no known silo.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SupervisionLog.ShardCallFailed(_logger, shardId, ex);
                return null;
            }
        });
        var answers = await Task.WhenAll(calls).ConfigureAwait(true);
        return [.. answers.OfType<ShardGrainStatus>()];
    }

    /// <summary>Sends every shard on a drained silo to an open one; the moves started, by shard id.</summary>
    private async Task<IReadOnlyList<ShardMoveResult>> MoveOffDrainedAsync(IReadOnlyList<int> shardIds)
    {
        var statuses = await GetShardStatusesAsync(shardIds).ConfigureAwait(true);
        var moves = DrainPlanner.PlanDrain(
            shardIds,
            Placement(statuses),
            [.. ActiveSilos().Select(s => s.ToParsableString())],
            PruneDrained().Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal),
            statuses.Where(s => s.SessionId is not null).Select(s => s.ShardId).ToHashSet());
        var results = new List<ShardMoveResult>(moves.Count);
        foreach (var move in moves)
        {
            results.Add(await SendAsync(move).ConfigureAwait(true));
        }

        return results;
    }

    private async Task<ShardMoveResult> SendAsync(ShardMove move)
    {
        var from = move.FromSilo is { } fromSilo ? SiloAddress.FromParsableString(fromSilo) : null;
        var to = SiloAddress.FromParsableString(move.ToSilo);
        SupervisionLog.Moving(_logger, move.ShardId, move.FromSilo, move.ToSilo);
        try
        {
            await GrainFactory.GetShard(InService(move.ShardId)).MoveToAsync(to).ConfigureAwait(true);
            return new ShardMoveResult(move.ShardId, from, to, ShardMoveOutcome.Moving);
        }
#pragma warning disable CA1031 // Reported in the result; a drain retries on the next ensure pass.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.ShardCallFailed(_logger, move.ShardId, ex);
            return new ShardMoveResult(move.ShardId, from, to, ShardMoveOutcome.Failed);
        }
    }

    private static Dictionary<int, string> Placement(IEnumerable<ShardGrainStatus> statuses)
        => statuses.ToDictionary(s => s.ShardId, s => s.Silo.ToParsableString());

    /// <summary>The drained list without silos that left the cluster (they come back, if at all, under a new address).</summary>
    private HashSet<SiloAddress> PruneDrained()
    {
        var members = _membership.CurrentSnapshot.Members;
        _drained.RemoveWhere(silo => !members.TryGetValue(silo, out var member) || member.Status == SiloStatus.Dead);
        return _drained;
    }

    /// <summary>Active silos that are not drained: the ones that may take shards.</summary>
    private IEnumerable<SiloAddress> OpenSilos()
    {
        var drained = PruneDrained();
        return ActiveSilos().Where(silo => !drained.Contains(silo));
    }

    private IEnumerable<SiloAddress> ActiveSilos()
        => _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal);
}
