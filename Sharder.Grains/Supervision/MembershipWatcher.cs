using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sharder.Grains.Interfaces;

namespace Sharder.Grains.Supervision;

/// <summary>
/// Runs on every silo from stage <see cref="ServiceLifecycleStage.Active"/>: reads the membership updates
/// and, on start and on every Joining/Active/Dead change, asks the supervisor to ensure every shard (a dead
/// silo's shards come back at once, not at the next timer tick). After a silo joins, the oldest active silo
/// asks for a rebalance once the joins have been quiet for <see cref="SupervisorOptions.RebalanceDelay"/>.
/// </summary>
internal sealed class MembershipWatcher : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly IClusterMembershipService _membership;
    private readonly IGrainFactory _grains;
    private readonly ILocalSiloDetails _localSilo;
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private CancellationTokenSource? _pendingRebalance;
    private Task? _watching;

    public MembershipWatcher(
        IClusterMembershipService membership,
        IGrainFactory grains,
        ILocalSiloDetails localSilo,
        IOptions<SupervisorOptions> options,
        TimeProvider timeProvider,
        ILogger<MembershipWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _membership = membership;
        _grains = grains;
        _localSilo = localSilo;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private IShardSupervisorGrain Supervisor => _grains.GetGrain<IShardSupervisorGrain>(IShardSupervisorGrain.SingletonKey);

    public void Participate(ISiloLifecycle observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(nameof(MembershipWatcher), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _pendingRebalance?.Cancel();
            _pendingRebalance?.Dispose();
            _pendingRebalance = null;
        }

        _stopping.Dispose();
    }

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _pendingRebalance?.Cancel();
        }

        if (_watching is { } watching)
        {
            await watching.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        ClusterMembershipSnapshot? previous = null;
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(stopping).ConfigureAwait(false))
            {
                // The first snapshot counts every member as a change: a silo that joins a running cluster
                // may itself be the one that decides rebalancing (silos started in the same second tie on
                // generation), and it would otherwise never see the join that needs it.
                var changes = (previous is null ? snapshot.Members.Values : snapshot.CreateUpdate(previous).Changes)
                    .Where(c => c.Status is SiloStatus.Joining or SiloStatus.Active or SiloStatus.Dead)
                    .ToArray();
                var first = previous is null;
                previous = snapshot;
                if (!first && changes.Length == 0)
                {
                    continue;
                }

                foreach (var change in changes)
                {
                    SupervisionLog.MembershipChanged(_logger, change.SiloAddress, change.Status);
                }

                // Scheduled before the ensure call, and the ensure call is not awaited: a slow or queued
                // supervisor call must not hold back the membership loop and the rebalance it decides.
                if (_options.RebalanceOnJoin && changes.Any(c => c.Status == SiloStatus.Active) && IsOldestActiveSilo(snapshot))
                {
                    ScheduleRebalance(stopping);
                }

                if (_options.EnsureOnMembershipChange)
                {
                    _ = EnsureShardsAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task EnsureShardsAsync()
    {
        try
        {
            await Supervisor.EnsureShardsAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The supervisor's own timer is the safety net; a failed nudge is only logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SupervisionLog.SupervisorCallFailed(_logger, ex);
        }
    }

    /// <summary>Debounce: every join restarts the wait; only the last one triggers the rebalance.</summary>
    private void ScheduleRebalance(CancellationToken stopping)
    {
        CancellationTokenSource pending;
        lock (_lock)
        {
            _pendingRebalance?.Cancel();
            _pendingRebalance?.Dispose();
            pending = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _pendingRebalance = pending;
        }

        var token = pending.Token;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await Task.Delay(_options.RebalanceDelay, _timeProvider, token).ConfigureAwait(false);
                    await Supervisor.RebalanceAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // A later join restarted the wait, or the silo is stopping.
                }
#pragma warning disable CA1031 // Logged; the next join rebalances again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    SupervisionLog.SupervisorCallFailed(_logger, ex);
                }
            },
            CancellationToken.None);
    }

    /// <summary>One silo decides rebalancing, so several silos do not plan moves over each other's moves.</summary>
    private bool IsOldestActiveSilo(ClusterMembershipSnapshot snapshot)
    {
        var oldest = snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.Generation)
            .ThenBy(s => s.ToParsableString(), StringComparer.Ordinal)
            .FirstOrDefault();
        return _localSilo.SiloAddress.Equals(oldest);
    }
}
