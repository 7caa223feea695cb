using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Options;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The cluster's identify coordinator: an <see cref="IdentifyScheduler"/> whose ledger is persisted in
/// Redis grain storage before any answer leaves. The storage ETag fences a duplicate activation (split
/// brain): its write fails with <see cref="InconsistentStateException"/>, nothing is granted, and Orleans
/// drops the activation. <c>/gateway/bot</c> is read on activation and every
/// <see cref="CoordinatorOptions.GatewayInfoRefresh"/>.
/// </summary>
internal sealed class ShardCoordinatorGrain : Grain, IShardCoordinatorGrain
{
    private readonly IPersistentState<IdentifyLedgerState> _ledger;
    private readonly CoordinatorOptions _options;
    private readonly GatewayBotClient _gatewayBot;
    private readonly SharderInstruments _instruments;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private IdentifyScheduler? _scheduler;
    private Task? _writing;
    private Uri? _gatewayUrl;

    public ShardCoordinatorGrain(
        [PersistentState("identify", "redis")] IPersistentState<IdentifyLedgerState> ledger,
        IOptions<CoordinatorOptions> options,
        GatewayBotClient gatewayBot,
        SharderInstruments instruments,
        TimeProvider timeProvider,
        ILogger<ShardCoordinatorGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ledger = ledger;
        _options = options.Value;
        _gatewayBot = gatewayBot;
        _instruments = instruments;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private IdentifyScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("The coordinator is not activated.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _scheduler = new IdentifyScheduler(_ledger.RecordExists ? _ledger.State : null, _options, _timeProvider);
        await RefreshGatewayInfoAsync().ConfigureAwait(true);
        this.RegisterGrainTimer(
            static (grain, _) => grain.RefreshGatewayInfoAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = _options.GatewayInfoRefresh,
                Period = _options.GatewayInfoRefresh,
                KeepAlive = true,
                Interleave = true,
            });
    }

    public async Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot)
    {
        if (Scheduler.State.GatewayInfoAt is null)
        {
            await RefreshGatewayInfoAsync().ConfigureAwait(true);
        }

        if (unusedSlot is { } unused)
        {
            CoordinationLog.SlotUnused(_logger, shardId, unused);
        }

        var missedBefore = Scheduler.State.Missed;
        var grant = Scheduler.Request(shardId, shardCount, unusedSlot);

        // Written before answering: a grant that is not stored must never leave (ETag fence, crash safety).
        await PersistAsync().ConfigureAwait(true);
        if (grant.SlotAt is { } slot)
        {
            _instruments.OnIdentifyGranted(replacesMissedSlot: Scheduler.State.Missed > missedBefore);
            CoordinationLog.IdentifyGranted(_logger, shardId, grant.RateLimitKey ?? 0, slot);
        }
        else
        {
            _instruments.OnIdentifyRefused(grant.Reason);
            var state = Scheduler.State;
            CoordinationLog.IdentifyRefused(_logger, shardId, grant.Reason, state.Remaining, state.Reserve, state.ResetAt, grant.RetryAt ?? _timeProvider.GetUtcNow());
        }

        return grant;
    }

    public Task<IdentifyStatus> GetStatusAsync() => Task.FromResult(Scheduler.GetStatus());

    public async Task<string?> GetGatewayUrlAsync()
    {
        if (_gatewayUrl is null) await RefreshGatewayInfoAsync().ConfigureAwait(true);
        return _gatewayUrl?.ToString();
    }

    private async Task RefreshGatewayInfoAsync()
    {
        GatewayBotInfo info;
        try
        {
            info = await _gatewayBot.GetGatewayBotAsync(CancellationToken.None).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is GatewayBotUnavailableException or InvalidTokenException)
        {
            CoordinationLog.GatewayInfoRefreshFailed(_logger, ex);
            return;
        }

        _gatewayUrl = info.Url;
        Scheduler.ApplyGatewayInfo(info);
        await PersistAsync().ConfigureAwait(true);
        var state = Scheduler.State;
        CoordinationLog.BudgetRefreshed(_logger, state.Remaining, state.Total, state.Reserve, state.ResetAt, state.MaxConcurrency);
    }

    /// <summary>Writes the scheduler's current ledger; writes never overlap (the refresh timer interleaves).</summary>
    private async Task PersistAsync()
    {
        // The grain scheduler is single-threaded: no turn runs between the check and the assignment.
        while (_writing is { } running)
        {
            await running.ConfigureAwait(true);
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writing = done.Task;
        try
        {
            _ledger.State = Scheduler.State;
            await _ledger.WriteStateAsync().ConfigureAwait(true);
        }
        catch (InconsistentStateException ex)
        {
            CoordinationLog.LedgerWriteConflict(_logger, ex);
            throw;
        }
        finally
        {
            _writing = null;
            done.SetResult();
        }
    }
}
