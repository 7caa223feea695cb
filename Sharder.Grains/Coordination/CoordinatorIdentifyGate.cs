using Microsoft.Extensions.Logging;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The shard connection's identify gate in a cluster: asks the coordinator grain for a slot and waits
/// for it locally (the coordinator never waits); after a refusal it waits until the given retry time and
/// asks again. A shard that missed its permit names the missed slot, so the new one is not charged again.
/// A slot received and not yet reached is <see cref="UnusedSlot"/> (waiting for it, or holding its permit
/// ahead of it to connect in time: an Identify never goes out before its slot): a shard that moves to
/// another silo meanwhile passes it on, and the next activation asks for that same slot back.
/// Runs on the connection's loop (thread pool), never on the shard grain's scheduler.
/// </summary>
internal sealed class CoordinatorIdentifyGate : IIdentifyGate
{
    /// <summary>Shortest wait before asking again after a refusal, whatever time it named.</summary>
    internal static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a permit left with less than half its grace by a slow answer is asked for again before its slot.</summary>
    internal const int MaxSlotRefreshes = 2;

    private static readonly TimeSpan _unreachableBaseDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan _unreachableMaxDelay = TimeSpan.FromSeconds(10);

    private readonly IShardCoordinatorGrain _coordinator;
    private readonly int _shardCount;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // The last permit handed out, on our clock and on the coordinator's; one connection asks at a time.
    private (DateTimeOffset Local, DateTimeOffset Coordinator)? _lastPermit;

    // A slot (coordinator's clock) granted and not reached yet: waiting for it, its permit handed out ahead
    // of it, or inherited from the previous activation; with its time on our clock once known. Read by the
    // grain when it deactivates, so under the lock.
    private readonly Lock _lock = new();
    private DateTimeOffset? _unusedSlot;
    private DateTimeOffset? _unusedSlotLocal;

    /// <param name="coordinator">The coordinator grain.</param>
    /// <param name="shardCount">The shard count identified with.</param>
    /// <param name="timeProvider">Clock for the waits.</param>
    /// <param name="logger">Where the waits and refusals are logged.</param>
    /// <param name="inheritedSlot">A slot the previous activation of this shard held and did not use, or null.</param>
    public CoordinatorIdentifyGate(
        IShardCoordinatorGrain coordinator, int shardCount, TimeProvider timeProvider, ILogger logger, DateTimeOffset? inheritedSlot = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _coordinator = coordinator;
        _shardCount = shardCount;
        _timeProvider = timeProvider;
        _logger = logger;
        _unusedSlot = inheritedSlot;
    }

    /// <summary>
    /// A slot (on the coordinator's clock) granted to this shard whose time has not come yet, so no Identify
    /// can have used it (its permit may be out, held by a socket opening ahead of it); null when none.
    /// </summary>
    public DateTimeOffset? UnusedSlot
    {
        get
        {
            lock (_lock)
            {
                return _unusedSlotLocal is { } local && _timeProvider.GetUtcNow() >= local ? null : _unusedSlot;
            }
        }
    }

    private void SetUnusedSlot(DateTimeOffset? slot, DateTimeOffset? local = null)
    {
        lock (_lock)
        {
            _unusedSlot = slot;
            _unusedSlotLocal = local;
        }
    }

    public ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, CancellationToken cancellationToken)
        => AcquireAsync(shardId, missed, TimeSpan.Zero, cancellationToken);

    /// <remarks>The permit comes up to <paramref name="lead"/> before the slot; the slot stays <see cref="UnusedSlot"/> until it is reached.</remarks>
    public async ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, TimeSpan lead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        ReconnectBackoff? backoff = null;
        var refreshes = 0;
        // The coordinator knows the missed slot by its own clock; an inherited slot is asked for back.
        DateTimeOffset? unusedSlot = missed is { } handedBack && _lastPermit is { } last && last.Local == handedBack.SlotAt
            ? last.Coordinator
            : missed?.SlotAt ?? UnusedSlot;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IdentifyGrant grant;
            DateTimeOffset asked;
            try
            {
                asked = _timeProvider.GetUtcNow();
                grant = await _coordinator.RequestIdentifyAsync(shardId, _shardCount, unusedSlot).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The coordinator's silo may be failing over; it comes back on the next call elsewhere.
                backoff ??= new ReconnectBackoff(_unreachableBaseDelay, _unreachableMaxDelay, BackoffJitter.Equal, Random.Shared);
                var delay = backoff.NextDelay();
                IdentifyGateLog.CoordinatorUnreachable(_logger, shardId, backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The grant's times are on the coordinator's clock; move them onto ours (see IdentifyGrant.IssuedAt).
            // The coordinator decided between our asking and our receiving the answer, so our clock is ahead of
            // its clock by between these two. The slot is moved by the most and the use-by by the least, so the
            // send falls inside the granted [slot, use-by] on the coordinator's clock however long either leg of
            // the call took (a stalled silo would otherwise send late on a slot it placed late, and crowd the next
            // slot on the key); an answer slower than the grace leaves no time to send, and the permit is missed.
            var skew = _timeProvider.GetUtcNow() - grant.IssuedAt;
            // It decided no sooner than Waited after the request reached it, which was after we asked.
            var leastSkew = asked - grant.IssuedAt + grant.Waited;
            if (grant.SlotAt is { } coordinatorSlot)
            {
                var slot = coordinatorSlot + skew;
                SetUnusedSlot(coordinatorSlot, slot);
                var wait = slot - lead - _timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    IdentifyGateLog.WaitingForSlot(_logger, shardId, wait + lead, slot, grant.RateLimitKey);
                    await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
                }

                // A slow answer (a busy coordinator at a cold start) can leave little of the grace to send in.
                // Near the slot the coordinator is quiet: ask once more for the same slot, for a tighter estimate.
                var useBy = (grant.UseBy ?? coordinatorSlot) + leastSkew;
                var grace = (grant.UseBy ?? coordinatorSlot) - coordinatorSlot;
                if (useBy - slot < grace / 2 && refreshes < MaxSlotRefreshes && slot > _timeProvider.GetUtcNow())
                {
                    refreshes++;
                    unusedSlot = coordinatorSlot;
                    continue;
                }

                _lastPermit = (slot, coordinatorSlot);
                return new IdentifyPermit(shardId, grant.RateLimitKey ?? 0, slot, useBy);
            }

            var retryAt = (grant.RetryAt ?? grant.IssuedAt) + skew;
            IdentifyGateLog.IdentifyRefused(_logger, shardId, grant.Reason, retryAt);
            var retryIn = retryAt - _timeProvider.GetUtcNow();
            await Task.Delay(retryIn > MinimumRetryDelay ? retryIn : MinimumRetryDelay, _timeProvider, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the coordinator which granted slot the failed Identify used (on its clock), so the ledger
    /// marks that grant uncertain until the next <c>/gateway/bot</c> refresh settles it. A report that
    /// cannot reach the coordinator is only logged: the regular refresh settles the grant as well.
    /// </summary>
    public async ValueTask ReportIdentifyFailedAsync(IdentifyPermit permit, CancellationToken cancellationToken)
    {
        if (_lastPermit is not { } last || last.Local != permit.SlotAt)
        {
            return;
        }

        try
        {
            await _coordinator.ReportIdentifyFailedAsync(permit.ShardId, last.Coordinator).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CoordinationLog.IdentifyFailureNotReported(_logger, permit.ShardId, ex);
        }
    }
}
