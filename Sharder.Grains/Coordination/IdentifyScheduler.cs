using System.Collections.Immutable;
using Sharder.Grains.Options;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The cluster's identify gate as plain logic: hands out Identify slots per rate-limit key and keeps the
/// daily session-start budget. The coordinator grain owns one, persists <see cref="State"/> after every
/// change and only then returns the answer, so a crash cannot grant a slot twice.
/// </summary>
/// <remarks>
/// <para>
/// Slot rule: a shard's key is <c>shard_id % max_concurrency</c>, and its slot is
/// <c>max(now, last slot on the key + window)</c>: first come, first served per key, never two slots on
/// one key closer than the window. That is the limit Discord enforces.
/// </para>
/// <para>
/// Bucket order ("start shards by bucket in order") therefore follows the order requests arrive in.
/// A cold start must ask in shard order, which <see cref="RequestMany"/> does for a whole batch: with all
/// keys idle, shard <c>s</c> of a contiguous range gets <c>start + floor(s / max_concurrency) × window</c>
/// (relative to the range's first bucket). Single requests arriving out of order (reconnects) keep the
/// spacing but not the bucket order; Discord does not enforce the order.
/// </para>
/// <para>
/// Budget rule: every granted slot is charged at grant time; a request is refused while
/// <c>remaining &lt;= reserve</c>, with a time to retry at: the reset, or the next refresh of
/// <c>/gateway/bot</c> if that is sooner. Resumes never come here. The daily
/// window ends at <see cref="IdentifyLedgerState.ResetAt"/>, when <c>remaining</c> returns to
/// <c>total</c>; with no window running (Discord reports <c>reset_after</c> 0), the first slot starts one
/// of <see cref="SessionStartWindow"/>.
/// </para>
/// <para>
/// Persistence: the grain calls a method, writes <see cref="State"/>, and only then answers. If the write
/// fails (a stale ETag means a duplicate coordinator), it must not answer with the grant; the in-memory
/// ledger then holds a slot and a charge nobody uses, which errs on the safe side until the activation
/// is dropped and the stored ledger is read again.
/// </para>
/// </remarks>
internal sealed class IdentifyScheduler
{
    /// <summary>Length of Discord's session-start window once it has started.</summary>
    public static readonly TimeSpan SessionStartWindow = TimeSpan.FromDays(1);

    /// <summary>
    /// How far Discord's reset time may lie beyond ours and still be the same window: our estimate starts
    /// at the slot, Discord's at the Identify that follows it.
    /// </summary>
    internal static readonly TimeSpan SameWindowTolerance = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _window;
    private readonly TimeSpan _slotGrace;
    private readonly TimeSpan _gatewayInfoRefresh;
    private readonly HashSet<int> _waitingShards = [];

    /// <param name="persisted">The stored ledger, or null for a new one. Its reserve is replaced by the configured one.</param>
    /// <param name="options">Window, slot grace, reserve and refresh interval.</param>
    /// <param name="timeProvider">Clock for slots and the daily window.</param>
    public IdentifyScheduler(IdentifyLedgerState? persisted, CoordinatorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdentifyWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BudgetReserve);

        _timeProvider = timeProvider;
        _window = options.IdentifyWindow;
        _slotGrace = options.IdentifySlotGrace;
        _gatewayInfoRefresh = options.GatewayInfoRefresh;
        State = (persisted ?? new IdentifyLedgerState()) with { Reserve = options.BudgetReserve };
    }

    /// <summary>The bookkeeping to persist. Replaced (never mutated) by every call that changes it.</summary>
    public IdentifyLedgerState State { get; private set; }

    /// <summary>
    /// Asks for an Identify slot for one shard. A grant reserves the slot and charges the budget; a refusal
    /// changes only the counters. A shard that names a slot it was granted and did not use (it woke after
    /// <see cref="IdentifyGrant.UseBy"/>, or it moved to another silo while waiting for it) is charged
    /// nothing and is not refused for the budget: it already paid, in this daily window. A slot still within
    /// its grace is granted back as it was (no new slot is taken on the key); a later one is replaced by the
    /// next free slot.
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

        if (State.MaxConcurrency > 0 && now <= unused + _slotGrace && IsGrantedSlot(shardId % State.MaxConcurrency, unused))
        {
            _waitingShards.Remove(shardId);
            return IdentifyGrant.Granted(shardId, shardId % State.MaxConcurrency, unused, unused + _slotGrace, now);
        }

        return Decide(shardId, now, alreadyCharged: true);
    }

    /// <summary>
    /// Asks for slots for several shards at once, granted in increasing shard order so buckets start in
    /// order (a cold start). Answers are in shard order; duplicates are asked once.
    /// </summary>
    public IReadOnlyList<IdentifyGrant> RequestMany(IEnumerable<int> shardIds, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(shardIds);
        var ordered = shardIds.Distinct().Order().ToArray();
        foreach (var shardId in ordered)
        {
            ValidateShard(shardId, shardCount);
        }

        var now = _timeProvider.GetUtcNow();
        State = Roll(State, now);
        var grants = new IdentifyGrant[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            grants[i] = Decide(ordered[i], now, alreadyCharged: false);
        }

        return grants;
    }

    /// <summary>Applies a fresh <c>/gateway/bot</c> answer.</summary>
    public void ApplyGatewayInfo(GatewayBotInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        ApplyGatewayInfo(info.SessionStartTotal, info.SessionStartRemaining, info.SessionStartResetAfter, info.MaxConcurrency);
    }

    /// <summary>
    /// Applies the <c>session_start_limit</c> of a fresh <c>/gateway/bot</c> answer. Inside one daily window
    /// <c>remaining</c> only moves down (our count already includes slots Discord has not seen yet); it is
    /// taken as reported when the window rolled. A changed <c>max_concurrency</c> re-keys the slots so that
    /// no key may identify before the window after the latest slot granted on any old key.
    /// </summary>
    public void ApplyGatewayInfo(int total, int remaining, TimeSpan resetAfter, int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfLessThan(resetAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);

        var now = _timeProvider.GetUtcNow();
        var state = Roll(State, now);
        DateTimeOffset? reportedReset = resetAfter > TimeSpan.Zero ? now + resetAfter : null;

        var newerWindow = state.GatewayInfoAt is null
            || (reportedReset > state.ResetAt + SameWindowTolerance);
        var newRemaining = newerWindow ? remaining : Math.Min(state.Remaining, remaining);
        var newReset = newerWindow ? reportedReset : reportedReset ?? state.ResetAt;

        State = state with
        {
            Total = total,
            Remaining = Math.Clamp(newRemaining, 0, total),
            ResetAt = newReset,
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
            state.GatewayInfoAt);
    }

    private IdentifyGrant Decide(int shardId, DateTimeOffset now, bool alreadyCharged)
    {
        var state = State;
        if (state.GatewayInfoAt is null || state.MaxConcurrency < 1)
        {
            return Refuse(shardId, null, now + _window, IdentifyRefusalReason.GatewayInfoUnknown, now);
        }

        var key = shardId % state.MaxConcurrency;
        if (!alreadyCharged && state.Remaining <= state.Reserve)
        {
            // Ask again at the reset, or after the next refresh if that comes first: Discord may report a
            // new window (a reset earlier than ours, a regenerated token) before our estimate runs out.
            var afterRefresh = now + _gatewayInfoRefresh;
            var retryAt = state.ResetAt is { } resetAt && resetAt < afterRefresh ? resetAt : afterRefresh;
            return Refuse(shardId, key, retryAt, IdentifyRefusalReason.BudgetExhausted, now);
        }

        var slot = NextFreeSlot(state, key, now);
        State = state with
        {
            LastSlotByKey = WithSlot(state.LastSlotByKey, key, slot),
            Remaining = alreadyCharged ? state.Remaining : state.Remaining - 1,
            ResetAt = state.ResetAt ?? slot + SessionStartWindow,
            Grants = state.Grants + 1,
            Missed = alreadyCharged ? state.Missed + 1 : state.Missed,
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
        => key < state.LastSlotByKey.Count && state.LastSlotByKey[key] + _window is { } free && free > now ? free : now;

    /// <summary>
    /// An unused slot was charged to the running daily window if it lies inside it; one from before a reset
    /// is charged again. A slot can lie ahead (a shard that moved while waiting for it) by at most one
    /// window per slot queued on its key, never beyond the key's latest slot.
    /// </summary>
    private bool WasChargedInThisWindow(DateTimeOffset unusedSlot, DateTimeOffset now)
        => State.ResetAt is { } resetAt && unusedSlot > resetAt - SessionStartWindow
            && (unusedSlot <= now || (State.MaxConcurrency > 0 && State.LastSlotByKey.Any(last => last >= unusedSlot)));

    /// <summary>Whether <paramref name="slot"/> can be one granted on <paramref name="key"/>: not after the key's latest slot.</summary>
    private bool IsGrantedSlot(int key, DateTimeOffset slot)
        => key < State.LastSlotByKey.Count && State.LastSlotByKey[key] is { } last && slot <= last;

    private static IdentifyLedgerState Roll(IdentifyLedgerState state, DateTimeOffset now)
        => state.ResetAt is { } resetAt && now >= resetAt
            ? state with { Remaining = state.Total, ResetAt = null }
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
