using Microsoft.Extensions.Logging;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Options;
using StackExchange.Redis;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// One cluster's front to the bot's shared identify ledger, with no Orleans types (the coordinator grain
/// owns one): every answer is decided by an <see cref="IdentifyScheduler"/> on the ledger just read from
/// Redis and leaves only once the changed ledger is written back unchanged by anyone else (compare-and-set,
/// retried on a conflict). A duplicate coordinator during a split brain, or the coordinator of another
/// cluster of the bot, is one more client of the same ledger and cannot take the same slot or session start.
/// </summary>
/// <remarks>
/// <c>/gateway/bot</c> is read when the coordinator starts, every <see cref="CoordinatorOptions.GatewayInfoRefresh"/>
/// (<see cref="RefreshGatewayInfoAsync"/>, driven by the owner), before refusing a shard for the budget, and
/// soon after an Identify is reported failed; the last two at most once per
/// <see cref="CoordinatorOptions.BudgetRefreshMinInterval"/>. Thread-safe: one ledger transaction at a time.
/// </remarks>
internal sealed class IdentifyCoordinator : IDisposable
{
    private readonly RedisIdentifyLedger _ledger;
    private readonly Func<CancellationToken, Task<GatewayBotInfo>> _readGatewayBot;
    private readonly SharderInstruments? _instruments;
    private readonly TimeProvider _localTime;
    private readonly ILogger _logger;
    private readonly LedgerClock _clock;
    private readonly IdentifyScheduler _scheduler;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly List<QueuedDecision> _queued = [];
    private readonly Lock _settleLock = new();
    private ITimer? _settleTimer;
    private DateTimeOffset? _lastRefreshAttemptValue;
    private Uri? _gatewayUrl;
    private bool _disposed;

    /// <param name="ledger">The bot's ledger in Redis.</param>
    /// <param name="readGatewayBot">Reads <c>/gateway/bot</c> (<see cref="GatewayBotClient.GetGatewayBotAsync"/>).</param>
    /// <param name="options">Window, grace, reserve and refresh settings.</param>
    /// <param name="instruments">Grant and refusal counters; null in tests that do not look at them.</param>
    /// <param name="localTime">This process's clock: elapsed time between ledger reads, and timers.</param>
    /// <param name="logger">Where grants, refusals and refreshes are logged.</param>
    /// <param name="slotLead">The earliest a slot can be after its request: the shards' <c>Gateway:IdentifyConnectLead</c>.</param>
    public IdentifyCoordinator(
        RedisIdentifyLedger ledger,
        Func<CancellationToken, Task<GatewayBotInfo>> readGatewayBot,
        CoordinatorOptions options,
        SharderInstruments? instruments,
        TimeProvider localTime,
        ILogger logger,
        TimeSpan slotLead = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(readGatewayBot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(localTime);
        ArgumentNullException.ThrowIfNull(logger);
        _ledger = ledger;
        _readGatewayBot = readGatewayBot;
        _instruments = instruments;
        _localTime = localTime;
        _logger = logger;
        _clock = new LedgerClock(localTime);
        _scheduler = new IdentifyScheduler(null, options, _clock, slotLead);
    }

    // Written by requests and by the settling timer alike; a nullable struct can tear, so under the lock.
    private DateTimeOffset? LastRefreshAttempt
    {
        get
        {
            lock (_settleLock)
            {
                return _lastRefreshAttemptValue;
            }
        }

        set
        {
            lock (_settleLock)
            {
                _lastRefreshAttemptValue = value;
            }
        }
    }

    /// <summary>The ledger's clock (Redis <c>TIME</c> at the latest read, advanced locally): every grant's times are on it.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>The bootstrap gateway URL from the last <c>/gateway/bot</c> answer; null before one arrived.</summary>
    public Uri? GatewayUrl => _gatewayUrl;

    /// <summary>
    /// Asks for an Identify slot (see <see cref="IdentifyScheduler.Request"/>). Refreshes <c>/gateway/bot</c>
    /// first when the budget is unknown, or down to the reserve and no refresh happened in the last
    /// <see cref="CoordinatorOptions.BudgetRefreshMinInterval"/>: the ledger may be behind Discord.
    /// </summary>
    /// <exception cref="RedisException">The ledger could not be read or written; nothing was granted.</exception>
    public async Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot)
    {
        if (unusedSlot is { } unused)
        {
            CoordinationLog.SlotUnused(_logger, shardId, unused);
        }

        var received = _localTime.GetTimestamp();
        var (grant, missed) = await TransactAsync(scheduler =>
        {
            var missedBefore = scheduler.State.Missed;
            var answer = scheduler.Request(shardId, shardCount, unusedSlot) with { Waited = _localTime.GetElapsedTime(received) };
            return (answer, scheduler.State.Missed > missedBefore);
        }, refreshFirst: true).ConfigureAwait(false);

        if (grant.SlotAt is { } slot)
        {
            _instruments?.OnIdentifyGranted(replacesMissedSlot: missed);
            CoordinationLog.IdentifyGranted(_logger, shardId, grant.RateLimitKey ?? 0, slot);
        }
        else
        {
            _instruments?.OnIdentifyRefused(grant.Reason);
            var state = _scheduler.State;
            CoordinationLog.IdentifyRefused(_logger, shardId, grant.Reason, state.Remaining, state.Reserve, state.ResetAt, grant.RetryAt ?? grant.IssuedAt);
        }

        return grant;
    }

    /// <summary>
    /// Records that the Identify sent on <paramref name="slotAt"/> (ledger clock) never reached READY, and
    /// makes sure a refresh follows (as soon as the minimum interval allows) to settle it.
    /// See <see cref="IdentifyScheduler.ReportIdentifyFailed"/> for why it is not simply credited back.
    /// </summary>
    public async Task ReportIdentifyFailedAsync(int shardId, DateTimeOffset slotAt)
    {
        var pending = await TransactAsync(scheduler => scheduler.ReportIdentifyFailed(shardId, slotAt), refreshFirst: false).ConfigureAwait(false);
        _instruments?.OnIdentifyFailureReported();
        CoordinationLog.IdentifyFailedReported(_logger, shardId, slotAt, pending);
        if (pending)
        {
            ScheduleSettlingRefresh();
        }
    }

    /// <summary>The budget, the slots and the counters of the shared ledger, with this cluster's waiting shards.</summary>
    public async Task<IdentifyStatus> GetStatusAsync()
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            await LoadAsync().ConfigureAwait(false);
            return _scheduler.GetStatus();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Reads <c>/gateway/bot</c> and applies it to the shared ledger: <c>remaining</c> becomes Discord's
    /// figure minus the grants that may not have reached Discord before the request was sent.
    /// </summary>
    /// <returns>False when Discord could not be asked (logged); the ledger is unchanged.</returns>
    public async Task<bool> RefreshGatewayInfoAsync()
    {
        // The request time is compared with slots on the ledger's clock: set it from Redis first, so a
        // silo clock that runs ahead cannot settle grants Discord has not seen yet.
        if (!_clock.IsAnchored)
        {
            await _turn.WaitAsync().ConfigureAwait(false);
            try
            {
                await LoadAsync().ConfigureAwait(false);
            }
            finally
            {
                _turn.Release();
            }
        }

        var sentAt = _clock.GetUtcNow();
        LastRefreshAttempt = sentAt;
        GatewayBotInfo info;
        try
        {
            info = await _readGatewayBot(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is GatewayBotUnavailableException or InvalidTokenException)
        {
            CoordinationLog.GatewayInfoRefreshFailed(_logger, ex);
            return false;
        }

        _gatewayUrl = info.Url;
        var state = await TransactAsync(scheduler =>
        {
            scheduler.ApplyGatewayInfo(info, sentAt);
            return scheduler.State;
        }, refreshFirst: false).ConfigureAwait(false);
        CoordinationLog.BudgetRefreshed(_logger, state.Remaining, state.Total, state.Reserve, state.ResetAt, state.MaxConcurrency);
        return true;
    }

    /// <summary>Stops the settling timer. The ledger lives on in Redis.</summary>
    public void Dispose()
    {
        lock (_settleLock)
        {
            _disposed = true;
            _settleTimer?.Dispose();
            _settleTimer = null;
        }

        _turn.Dispose();
    }

    /// <summary>
    /// Loads the shared ledger, decides, and writes the result if nobody wrote in between; on a conflict
    /// decides again on the newer ledger. With <paramref name="refreshFirst"/>, reads <c>/gateway/bot</c>
    /// before deciding when the ledger just read calls for it.
    /// </summary>
    /// <remarks>
    /// Group commit: decisions that arrive while a transaction holds the turn are decided together, in
    /// arrival order, on one read and one write of the ledger. At a cold start a thousand shards ask within a
    /// second, and a read and write of the whole ledger each would queue them for longer than a permit's
    /// grace, so no permit could be used in time.
    /// </remarks>
    private async Task<T> TransactAsync<T>(Func<IdentifyScheduler, T> decide, bool refreshFirst)
    {
        var decision = new QueuedDecision(scheduler => decide(scheduler), refreshFirst);
        lock (_queued)
        {
            _queued.Add(decision);
        }

        await _turn.WaitAsync().ConfigureAwait(false);
        var holding = new TurnHolder(_turn);
        try
        {
            QueuedDecision[] batch;
            lock (_queued)
            {
                batch = [.. _queued];
                _queued.Clear();
            }

            // Empty when an earlier holder of the turn took this decision into its batch.
            if (batch.Length > 0)
            {
                await CommitAsync(batch, holding).ConfigureAwait(false);
            }
        }
        finally
        {
            holding.Release();
        }

        return (T)(await decision.Done.Task.ConfigureAwait(false))!;
    }

    private async Task CommitAsync(QueuedDecision[] batch, TurnHolder holding)
    {
        try
        {
            var refreshFirst = batch.Any(d => d.RefreshFirst);
            while (true)
            {
                var version = await LoadAsync().ConfigureAwait(false);
                if (refreshFirst && NeedsRefresh())
                {
                    // Discord is asked outside the turn, so a slow answer does not hold up the ledger's other users.
                    refreshFirst = false;
                    holding.Release();
                    await RefreshGatewayInfoAsync().ConfigureAwait(false);
                    await holding.TakeAsync().ConfigureAwait(false);
                    continue;
                }

                var results = new object?[batch.Length];
                var failures = new Exception?[batch.Length];
                for (var i = 0; i < batch.Length; i++)
                {
                    try
                    {
                        results[i] = batch[i].Decide(_scheduler);
                    }
                    catch (Exception ex)
                    {
                        failures[i] = ex;
                    }
                }

                if (await _ledger.TryWriteAsync(_scheduler.State, version).ConfigureAwait(false))
                {
                    for (var i = 0; i < batch.Length; i++)
                    {
                        if (failures[i] is { } failure)
                        {
                            batch[i].Done.TrySetException(failure);
                        }
                        else
                        {
                            batch[i].Done.TrySetResult(results[i]);
                        }
                    }

                    return;
                }

                CoordinationLog.LedgerChangedConcurrently(_logger, _ledger.Key);
            }
        }
        catch (Exception ex)
        {
            foreach (var decision in batch)
            {
                decision.Done.TrySetException(ex);
            }
        }
    }

    private bool NeedsRefresh() => _scheduler.ShouldRefreshBeforeAnswering(LastRefreshAttempt);

    private async Task<long> LoadAsync()
    {
        var snapshot = await _ledger.ReadAsync(problem => CoordinationLog.LedgerUnreadable(_logger, _ledger.Key, problem)).ConfigureAwait(false);
        _clock.Anchor(snapshot.ServerNow);
        _scheduler.Load(snapshot.State);
        return snapshot.Version;
    }

    /// <summary>Arms one timer for the refresh that settles reported failures, if none is armed.</summary>
    private void ScheduleSettlingRefresh()
    {
        lock (_settleLock)
        {
            if (_disposed || _settleTimer is not null)
            {
                return;
            }

            var due = _scheduler.NextRefreshAllowedAt(LastRefreshAttempt) - _clock.GetUtcNow();
            _settleTimer = _localTime.CreateTimer(
                static state => _ = ((IdentifyCoordinator)state!).SettleAsync(),
                this,
                due > TimeSpan.Zero ? due : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
        }
    }

    private async Task SettleAsync()
    {
        lock (_settleLock)
        {
            _settleTimer?.Dispose();
            _settleTimer = null;
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            await RefreshGatewayInfoAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            CoordinationLog.GatewayInfoRefreshFailed(_logger, ex);
        }

        // A failure reported on a slot too recent for this refresh to settle waits for the next one.
        if (_scheduler.HasUncertainGrants)
        {
            ScheduleSettlingRefresh();
        }
    }

    /// <summary>One caller's decision waiting for the next ledger transaction.</summary>
    private sealed class QueuedDecision(Func<IdentifyScheduler, object?> decide, bool refreshFirst)
    {
        public Func<IdentifyScheduler, object?> Decide { get; } = decide;

        public bool RefreshFirst { get; } = refreshFirst;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Whether this caller holds the turn, so it is released exactly once however the commit ends.</summary>
    private sealed class TurnHolder(SemaphoreSlim turn)
    {
        private bool _holding = true;

        public void Release()
        {
            if (_holding)
            {
                _holding = false;
                turn.Release();
            }
        }

        public async Task TakeAsync()
        {
            await turn.WaitAsync().ConfigureAwait(false);
            _holding = true;
        }
    }
}
