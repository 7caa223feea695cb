using Sharder.Grains.Diagnostics;
using Sharder.Grains.Interfaces;

namespace Sharder.Silo.Telemetry;

/// <summary>
/// Feeds the identify budget gauges: asks the coordinator grain for its status every <see cref="Interval"/> (one
/// small grain call per silo) and hands the figures to <see cref="SharderInstruments.OnIdentifyStatus"/>. Every silo
/// reports the same cluster-wide figure, so a dashboard takes their maximum. A call that fails (the silo is still
/// joining, the coordinator is moving) is skipped; the gauges keep the last figures.
/// </summary>
internal sealed class IdentifyBudgetSampler : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly IGrainFactory _grains;
    private readonly SharderInstruments _instruments;
    private readonly TimeProvider _timeProvider;

    public IdentifyBudgetSampler(IGrainFactory grains, SharderInstruments instruments, TimeProvider timeProvider)
    {
        _grains = grains;
        _instruments = instruments;
        _timeProvider = timeProvider;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await _grains.GetGrain<IShardCoordinatorGrain>(IShardCoordinatorGrain.SingletonKey)
                .GetStatusAsync()
                .WaitAsync(Interval, _timeProvider, cancellationToken)
                .ConfigureAwait(false);
            _instruments.OnIdentifyStatus(status.Remaining, status.WaitingShards);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A metrics sample must never stop the host (a BackgroundService's exception does).
        catch (Exception)
#pragma warning restore CA1031
        {
            // Not answered this time (silo joining, coordinator moving): the next tick tries again.
        }
    }
}
