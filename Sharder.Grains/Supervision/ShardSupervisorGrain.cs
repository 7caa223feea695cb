using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Supervision;

/// <summary>
/// Keeps every configured shard active and the shards spread over the active silos. Stateless on purpose:
/// the shard list comes from configuration (<see cref="ShardSelectionProvider"/>), where each shard runs
/// from the shards themselves, so a new activation anywhere picks up at once. A timer re-ensures every
/// <see cref="SupervisorOptions.EnsureInterval"/>; the <see cref="MembershipWatcher"/> calls it on changes.
/// </summary>
internal sealed class ShardSupervisorGrain : Grain, IShardSupervisorGrain
{
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
        ILogger<ShardSupervisorGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _selection = selection;
        _membership = membership;
        _options = options.Value;
        _instruments = instruments;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
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
        return Task.CompletedTask;
    }

    public async Task EnsureShardsAsync()
    {
        if (await TryGetShardIdsAsync().ConfigureAwait(true) is not { } shardIds)
        {
            return;
        }

        // Started in increasing shard order, so on a cold start identify requests reach the coordinator
        // mostly in bucket order; bounded so a large bot does not flood the cluster with activations.
        var running = new List<Task>(_options.MaxConcurrentActivations);
        foreach (var shardId in shardIds)
        {
            if (running.Count >= _options.MaxConcurrentActivations)
            {
                running.Remove(await Task.WhenAny(running).ConfigureAwait(true));
            }

            running.Add(EnsureShardAsync(shardId));
        }

        await Task.WhenAll(running).ConfigureAwait(true);
    }

    public async Task RebalanceAsync()
    {
        if (await TryGetShardIdsAsync().ConfigureAwait(true) is not { } shardIds)
        {
            return;
        }

        var statuses = await GetShardStatusesAsync(shardIds).ConfigureAwait(true);
        var currentSilo = statuses.ToDictionary(s => s.ShardId, s => s.Silo.ToParsableString());
        var activeSilos = ActiveSilos().Select(s => s.ToParsableString()).ToArray();
        var withSession = statuses.Where(s => s.SessionId is not null).Select(s => s.ShardId).ToHashSet();
        var moves = ShardAssignment.Plan(shardIds, currentSilo, activeSilos, withSession);
        SupervisionLog.Rebalancing(_logger, moves.Count, activeSilos.Length);
        foreach (var move in moves)
        {
            SupervisionLog.Moving(_logger, move.ShardId, move.FromSilo, move.ToSilo);
            try
            {
                await GrainFactory.GetGrain<IShardGrain>(move.ShardId)
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
        var selection = await _selection.GetAsync().ConfigureAwait(true);
        var statuses = await GetShardStatusesAsync(selection.ShardIds).ConfigureAwait(true);
        return new ClusterStatus(
            selection.Total,
            [.. statuses.OrderBy(s => s.ShardId)],
            [.. ActiveSilos()],
            _lastRebalanceAt,
            _lastRebalanceMoves);
    }

    private async Task<IReadOnlyList<int>?> TryGetShardIdsAsync()
    {
        try
        {
            return (await _selection.GetAsync().ConfigureAwait(true)).ShardIds;
        }
#pragma warning disable CA1031 // Logged; the timer asks again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.SelectionFailed(_logger, ex);
            return null;
        }
    }

    private async Task EnsureShardAsync(int shardId)
    {
        try
        {
            await GrainFactory.GetGrain<IShardGrain>(shardId).EnsureActiveAsync().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // One shard failing to activate must not stop the others; the timer retries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.EnsureFailed(_logger, shardId, ex);
        }
    }

    private async Task<ImmutableArray<ShardGrainStatus>> GetShardStatusesAsync(IReadOnlyList<int> shardIds)
    {
        var calls = shardIds.Select(async shardId =>
        {
            try
            {
                return await GrainFactory.GetGrain<IShardGrain>(shardId).GetStatusAsync().ConfigureAwait(true);
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

    private IEnumerable<SiloAddress> ActiveSilos()
        => _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal);
}
