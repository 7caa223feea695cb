using System.Collections.Immutable;
using Sharder.Grains.Options;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The identify gate of one bot as plain logic: hands out Identify slots per rate-limit key and keeps the
/// daily session-start budget. Every coordinator of the bot (one per cluster) runs one over the same
/// ledger: it loads the shared <see cref="State"/>, calls one method, and writes the result back only if
/// nobody wrote in between (<see cref="RedisIdentifyLedger"/>); only then does the answer leave.
/// </summary>
/// <remarks>
/// <para>
/// Slot rule: a shard's key is <c>shard_id % max_concurrency</c>, and its slot is
/// <c>max(now + connect lead, last slot on the key + window)</c>: first come, first served per key, never
/// two slots on one key closer than the window. That is the limit Discord enforces. The connect lead
/// (<c>Gateway:IdentifyConnectLead</c>) gives every shard time to open its socket before its slot
/// (just-in-time connect), so a slot on an idle key is not lost to a slow connect.
/// </para>
/// <para>
/// Bucket order ("start shards by bucket in order") therefore follows the order requests arrive in.
/// A cold start must ask in shard order: with all
/// keys idle, shard <c>s</c> of a contiguous range gets <c>start + floor(s / max_concurrency) × window</c>
/// (relative to the range's first bucket). Single requests arriving out of order (reconnects) keep the
/// spacing but not the bucket order; Discord does not enforce the order.
/// </para>
/// <para>
/// Budget rule: every granted slot is charged at grant time and kept in <see cref="IdentifyLedgerState.Pending"/>;
/// a request is refused while <c>remaining &lt;= reserve</c>, with a time to retry at: the reset, or the
/// next refresh of <c>/gateway/bot</c> if that is sooner. Resumes never come here. A refresh sets
/// <c>remaining</c> to Discord's figure minus the pending grants whose Identify may not have reached
/// Discord when it answered, so the ledger follows Discord both ways: an Identify Discord did not charge
/// (op 9 for concurrency, never sent) is given back by the next refresh, and no grant in flight is
/// forgotten. The daily window ends at <see cref="IdentifyLedgerState.ResetAt"/>, when <c>remaining</c>
/// returns to <c>total</c>; with no window running (Discord reports <c>reset_after</c> 0), the first slot
/// starts one of <see cref="SessionStartWindow"/>.
/// </para>
/// <para>
/// Clock: in a cluster the scheduler runs on the ledger's clock (Redis <c>TIME</c>, see
/// <see cref="LedgerClock"/>), so the coordinators of all clusters space slots on one clock.
/// </para>
/// </remarks>
internal sealed class IdentifyScheduler
{
    /// <summary>Length of Discord's session-start window once it has started.</summary>
    public static readonly TimeSpan SessionStartWindow = TimeSpan.FromDays(1);

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _window;
    private readonly TimeSpan _slotGrace;
    private readonly TimeSpan _slotLead;
    private readonly TimeSpan _minRefreshInterval;
    private readonly int _reserve;
    private readonly HashSet<int> _waitingShards = [];

    /// <param name="persisted">The stored ledger, or null for a new one. Its reserve is replaced by the configured one.</param>
    /// <param name="options">Window, slot grace, reserve and refresh interval.</param>
    /// <param name="timeProvider">Clock for slots and the daily window.</param>
    /// <param name="slotLead">The earliest a slot can be after the request: the shards' connect lead (none by default).</param>
    public IdentifyScheduler(IdentifyLedgerState? persisted, CoordinatorOptions options, TimeProvider timeProvider, TimeSpan slotLead = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdentifyWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BudgetReserve);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotLead, TimeSpan.Zero);

        _timeProvider = timeProvider;
        _window = options.IdentifyWindow;
        _slotGrace = options.IdentifySlotGrace;
        _slotLead = slotLead;
        _minRefreshInterval = options.BudgetRefreshMinInterval;
        _reserve = options.BudgetReserve;
        State = (persisted ?? new IdentifyLedgerState()) with { Reserve = _reserve };
    }

    /// <summary>The bookkeeping to persist. Replaced (never mutated) by every call that changes it.</summary>
    public IdentifyLedgerState State { get; private set; }

    /// <summary>
    /// Replaces the ledger with the shared one just read (another coordinator may have changed it); the
    /// configured reserve replaces the stored one. The shards waiting here are kept.
    /// </summary>
    public void Load(IdentifyLedgerState? stored)
        => State = (stored ?? new IdentifyLedgerState()) with { Reserve = _reserve };

    /// <summary>
    /// Whether <c>/gateway/bot</c> should be read before answering: never read yet (and not tried in the
    /// last identify window); or the budget is down to the reserve (a refusal is coming) or an Identify
    /// was reported failed, and no refresh was applied or tried in the last
    /// <see cref="CoordinatorOptions.BudgetRefreshMinInterval"/>. The ledger may be stale, not the budget
    /// spent: Discord does not charge an Identify it refused with op 9.
    /// </summary>
    /// <param name="lastAttempt">When this coordinator last asked Discord (successfully or not); null if never.</param>
    public bool ShouldRefreshBeforeAnswering(DateTimeOffset? lastAttempt)
    {
        var state = State;
        var now = _timeProvider.GetUtcNow();
        if (state.GatewayInfoAt is null)
        {
            return lastAttempt is not { } attempt || now >= attempt + _window;
        }

        var budgetLow = Roll(state, now).Remaining <= state.Reserve;
        return (budgetLow || HasUncertainGrants) && now >= NextRefreshAllowedAt(lastAttempt);
    }

    /// <summary>Whether an Identify was reported failed and no refresh has settled it yet.</summary>
    public bool HasUncertainGrants => State.Pending.Any(static grant => grant.Uncertain);

    /// <summary>
    /// The earliest time a refresh outside the regular schedule may be made: one
    /// <see cref="CoordinatorOptions.BudgetRefreshMinInterval"/> after the last one applied by any
    /// coordinator of the bot, or tried by this one.
    /// </summary>
    public DateTimeOffset NextRefreshAllowedAt(DateTimeOffset? lastAttempt)
    {
        var applied = State.GatewayInfoAt ?? DateTimeOffset.MinValue;
        var latest = lastAttempt is { } attempt && attempt > applied ? attempt : applied;
        return latest == DateTimeOffset.MinValue ? latest : latest + _minRefreshInterval;
    }

    /// <summary>
    /// Records that the Identify sent on the slot <paramref name="slotAt"/> (ledger clock) never reached
    /// READY. The charge stays and the grant is marked uncertain; the next <c>/gateway/bot</c> refresh
    /// settles it (see <see cref="ApplyGatewayInfo(int, int, TimeSpan, int, DateTimeOffset?)"/>).
    /// </summary>
    /// <remarks>
    /// Not credited back here: Discord does not charge an Identify it refused with op 9 (rate limit), but
    /// an Identify whose connection closed or dropped before READY may have been charged or not, and the
    /// shard cannot tell which. Crediting blindly could overspend the budget; keeping the charge until
    /// Discord's own figure is read again only delays the credit by one refresh.
    /// </remarks>
    /// <returns>True when the grant was still pending (it is now uncertain); false when a refresh has settled it already.</returns>
    public bool ReportIdentifyFailed(int shardId, DateTimeOffset slotAt)
    {
        var state = State;
        var pending = state.Pending;
        var index = IndexOfPending(pending, shardId, slotAt);
        IReadOnlyList<LedgerGrant> updated = index < 0 ? pending : [.. pending.Take(index), pending[index] with { Uncertain = true }, .. pending.Skip(index + 1)];
        State = state with { Pending = updated, Failed = state.Failed + 1 };
        return index >= 0;
    }

    /// <summary>
    /// Asks for an Identify slot for one shard. A grant reserves the slot and charges the budget; a refusal
    /// changes only the counters. A shard that names a slot it was granted and did not use (it woke after
    /// <see cref="IdentifyGrant.UseBy"/>, or it moved to another silo while waiting for it) is not refused
    /// for the budget: it already paid, in this daily window. A slot still within its grace is granted back
    /// as it was (no new slot is taken on the key); a later one is replaced by the next free slot, charged
    /// nothing while the old grant is still pending, and charged when a refresh has already settled (given
    /// back) the old one.
    /// </summary>
    public IdentifyGrant Request(int shardId, int shardCount, DateTimeOffset? unusedSlot = null)
    {
        ValidateShard(shardId, shardCount);
        var now = _timeProvider.GetUtcNow();
        State = Roll(State, now);
        if (unusedSlot is not { } unused || !WasChargedInThisWindow(unused, now))
        {
            return Decide(shardId, now, alreadyCharged: false);
        }

        if (State.MaxConcurrency > 0 && IsLatestSlot(shardId % State.MaxConcurrency, unused))
        {
            return MoveLatestSlot(shardId, unused, now);
        }

        if (State.MaxConcurrency > 0 && now <= unused + _slotGrace && IsGrantedSlot(shardId % State.MaxConcurrency, unused))
        {
            _waitingShards.Remove(shardId);
            return IdentifyGrant.Granted(shardId, shardId % State.MaxConcurrency, unused, unused + _slotGrace, now);
        }

        return Decide(shardId, now, alreadyCharged: true, unused);
    }

    /// <summary>Applies a fresh <c>/gateway/bot</c> answer to a request sent at <paramref name="requestSentAt"/> (ledger clock).</summary>
    public void ApplyGatewayInfo(GatewayBotInfo info, DateTimeOffset? requestSentAt = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        ApplyGatewayInfo(info.SessionStartTotal, info.SessionStartRemaining, info.SessionStartResetAfter, info.MaxConcurrency, requestSentAt);
    }

    /// <summary>
    /// Applies the <c>session_start_limit</c> of a fresh <c>/gateway/bot</c> answer: <c>remaining</c>
    /// becomes Discord's figure minus the pending grants whose slot is later than one identify window
    /// before the request was sent (their Identify may not have reached Discord when it counted); older
    /// pending grants are settled, whether Discord charged them or not, and dropped. The figure may go up
    /// as well as down. A changed <c>max_concurrency</c> re-keys the slots so that no key may identify
    /// before the window after the latest slot granted on any old key.
    /// </summary>
    /// <param name="total"><c>session_start_limit.total</c>.</param>
    /// <param name="remaining"><c>session_start_limit.remaining</c>.</param>
    /// <param name="resetAfter"><c>session_start_limit.reset_after</c>.</param>
    /// <param name="maxConcurrency"><c>session_start_limit.max_concurrency</c>.</param>
    /// <param name="requestSentAt">When the request was sent (ledger clock); now when null.</param>
    public void ApplyGatewayInfo(int total, int remaining, TimeSpan resetAfter, int maxConcurrency, DateTimeOffset? requestSentAt = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfLessThan(resetAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var now = _timeProvider.GetUtcNow();
        var state = Roll(State, now);
        var cutoff = (requestSentAt ?? now) - _window;
        LedgerGrant[] pending = [.. state.Pending.Where(grant => grant.SlotAt >= cutoff)];
        DateTimeOffset? reportedReset = resetAfter > TimeSpan.Zero ? now + resetAfter : null;

        State = state with
        {
            Total = total,
            Remaining = Math.Clamp(remaining - pending.Length, 0, total),
            ResetAt = reportedReset ?? (pending.Length > 0 ? state.ResetAt : null),
            Pending = pending,
            MaxConcurrency = maxConcurrency,
            LastSlotByKey = maxConcurrency == state.MaxConcurrency
                ? state.LastSlotByKey
                : Rekey(state.LastSlotByKey, maxConcurrency),
            GatewayInfoAt = now,
        };
    }

    /// <summary>The current figures, with the daily window rolled if it has ended.</summary>
    public IdentifyStatus GetStatus()
    {
        var now = _timeProvider.GetUtcNow();
        var state = Roll(State, now);
        var nextFree = Enumerable.Range(0, state.MaxConcurrency)
            .Select(key => NextFreeSlot(state, key, now))
            .ToImmutableArray();

        return new IdentifyStatus(
            state.Total,
            state.Remaining,
            state.Reserve,
            state.ResetAt,
            state.MaxConcurrency,
            IsBudgetExhausted: state.GatewayInfoAt is not null && state.Remaining <= state.Reserve,
            _waitingShards.Count,
            state.Grants,
            state.Refusals,
            state.Missed,
            nextFree,
            state.GatewayInfoAt,
            state.Pending.Count(static grant => grant.Uncertain),
            state.Failed,
            state.Pending.Count);
    }

    private IdentifyGrant Decide(int shardId, DateTimeOffset now, bool alreadyCharged, DateTimeOffset? unusedSlot = null)
    {
        var state = State;
        if (state.GatewayInfoAt is null || state.MaxConcurrency < 1)
        {
            return Refuse(shardId, null, now + _window, IdentifyRefusalReason.GatewayInfoUnknown, now);
        }

        var key = shardId % state.MaxConcurrency;
        if (!alreadyCharged && state.Remaining <= state.Reserve)
        {
            // Ask again at the reset, or when the coordinator may read /gateway/bot again if that comes first:
            // Discord may report more than the ledger (Identifies it did not charge) or a new window.
            var refreshAt = state.GatewayInfoAt + _minRefreshInterval is { } next && next > now ? next : now + _minRefreshInterval;
            var retryAt = state.ResetAt is { } resetAt && resetAt < refreshAt ? resetAt : refreshAt;
            return Refuse(shardId, key, retryAt, IdentifyRefusalReason.BudgetExhausted, now);
        }

        var slot = NextFreeSlot(state, key, now);

        // A replaced slot still pending moves to the new slot; one a refresh already settled was given back
        // by it (its Identify never reached Discord), so the new slot is charged.
        var replacedIndex = alreadyCharged ? IndexOfPending(state.Pending, shardId, unusedSlot) : -1;
        var charge = replacedIndex < 0;
        var grant = new LedgerGrant(slot, shardId);
        IReadOnlyList<LedgerGrant> pending = charge
            ? [.. state.Pending, grant]
            : [.. state.Pending.Take(replacedIndex), .. state.Pending.Skip(replacedIndex + 1), grant];
        State = state with
        {
            LastSlotByKey = WithSlot(state.LastSlotByKey, key, slot),
            Remaining = charge ? state.Remaining - 1 : state.Remaining,
            ResetAt = state.ResetAt ?? slot + SessionStartWindow,
            Grants = state.Grants + 1,
            Missed = alreadyCharged ? state.Missed + 1 : state.Missed,
            Pending = pending,
        };
        _waitingShards.Remove(shardId);
        return IdentifyGrant.Granted(shardId, key, slot, slot + _slotGrace, now);
    }

    private IdentifyGrant Refuse(int shardId, int? key, DateTimeOffset retryAt, IdentifyRefusalReason reason, DateTimeOffset now)
    {
        State = State with { Refusals = State.Refusals + 1 };
        _waitingShards.Add(shardId);
        return IdentifyGrant.Refused(shardId, key, retryAt, reason, now);
    }

    private DateTimeOffset NextFreeSlot(IdentifyLedgerState state, int key, DateTimeOffset now)
    {
        var earliest = now + _slotLead;
        return key < state.LastSlotByKey.Count && state.LastSlotByKey[key] + _window is { } free && free > earliest ? free : earliest;
    }

    /// <summary>
    /// An unused slot was charged to the running daily window if it lies inside it; one from before a reset
    /// is charged again. A slot can lie ahead (a shard that moved while waiting for it) by at most one
    /// window per slot queued on its key, never beyond the key's latest slot. Discord's daily window starts
    /// when the first Identify arrives, a moment after its slot, so a slot up to one identify window before
    /// the window's start is the one that started it (without that, a first-bucket slot handed back after a
    /// <c>/gateway/bot</c> refresh was charged again and sent to the end of its key's queue).
    /// </summary>
    private bool WasChargedInThisWindow(DateTimeOffset unusedSlot, DateTimeOffset now)
        => State.ResetAt is { } resetAt && unusedSlot > resetAt - SessionStartWindow - _window
            && (unusedSlot <= now || (State.MaxConcurrency > 0 && State.LastSlotByKey.Any(last => last >= unusedSlot)));

    /// <summary>Whether <paramref name="slot"/> is the latest slot granted on <paramref name="key"/>.</summary>
    private bool IsLatestSlot(int key, DateTimeOffset slot)
        => key < State.LastSlotByKey.Count && State.LastSlotByKey[key] == slot;

    /// <summary>
    /// An unused slot that is still its key's latest moves to when the shard can use it (its connect lead from
    /// now, or the slot itself if later), charged nothing again. Safe because it was never used: the key's last
    /// Identify was at least one window before it, and no slot comes after it. So a shard that moved to another
    /// silo, or whose socket was not ready in time, does not lose a window.
    /// </summary>
    private IdentifyGrant MoveLatestSlot(int shardId, DateTimeOffset unused, DateTimeOffset now)
    {
        var state = State;
        var key = shardId % state.MaxConcurrency;
        var earliest = now + _slotLead;
        var slot = unused > earliest ? unused : earliest;
        var index = IndexOfPending(state.Pending, shardId, unused);
        var grant = new LedgerGrant(slot, shardId);
        IReadOnlyList<LedgerGrant> pending = index < 0
            ? [.. state.Pending, grant]
            : [.. state.Pending.Take(index), .. state.Pending.Skip(index + 1), grant];
        State = state with
        {
            LastSlotByKey = WithSlot(state.LastSlotByKey, key, slot),
            Remaining = index < 0 ? state.Remaining - 1 : state.Remaining,
            Grants = state.Grants + 1,
            Missed = state.Missed + 1,
            Pending = pending,
        };
        _waitingShards.Remove(shardId);
        return IdentifyGrant.Granted(shardId, key, slot, slot + _slotGrace, now);
    }

    /// <summary>Whether <paramref name="slot"/> can be one granted on <paramref name="key"/>: not after the key's latest slot.</summary>
    private bool IsGrantedSlot(int key, DateTimeOffset slot)
        => key < State.LastSlotByKey.Count && State.LastSlotByKey[key] is { } last && slot <= last;

    private static int IndexOfPending(IReadOnlyList<LedgerGrant> pending, int shardId, DateTimeOffset? slotAt)
    {
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].ShardId == shardId && pending[i].SlotAt == slotAt)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>At the reset the budget returns; grants of the window that ended no longer count against it.</summary>
    private static IdentifyLedgerState Roll(IdentifyLedgerState state, DateTimeOffset now)
        => state.ResetAt is { } resetAt && now >= resetAt
            ? state with { Remaining = state.Total, ResetAt = null, Pending = [.. state.Pending.Where(grant => grant.SlotAt >= resetAt)] }
            : state;

    private static DateTimeOffset?[] WithSlot(IReadOnlyList<DateTimeOffset?> lastSlotByKey, int key, DateTimeOffset slot)
    {
        var copy = new DateTimeOffset?[Math.Max(lastSlotByKey.Count, key + 1)];
        for (var i = 0; i < lastSlotByKey.Count; i++)
        {
            copy[i] = lastSlotByKey[i];
        }

        copy[key] = slot;
        return copy;
    }

    private static DateTimeOffset?[] Rekey(IReadOnlyList<DateTimeOffset?> lastSlotByKey, int maxConcurrency)
    {
        var latest = lastSlotByKey.Max();
        return latest is null ? [] : Enumerable.Repeat(latest, maxConcurrency).ToArray();
    }

    private static void ValidateShard(int shardId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shardId, shardCount);
    }
}
