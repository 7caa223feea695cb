using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Options;

/// <summary>
/// Settings of the identify coordinator. Read from the section <c>Coordinator</c>; checked at startup by
/// <see cref="CoordinatorOptionsValidator"/>.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class CoordinatorOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Coordinator";

    /// <summary>Default for <see cref="BudgetReserve"/>.</summary>
    public const int DEFAULT_BUDGET_RESERVE = 10;

    /// <summary>
    /// Default for <see cref="IdentifyWindow"/>: 5.3 s, Discord's 5 s plus what can make two Identifies on one
    /// key arrive closer than their slots. Discord measures the spacing as it receives them. Two arrivals on
    /// one key are at least window − (how late the first was sent after its slot) − (how much longer its
    /// way to Discord was) − (error of the second silo's estimate of the coordinator's clock) apart, and that
    /// must stay at or above 5 s:
    /// <list type="bullet">
    /// <item>the send is bounded by the permit's <c>UseBy</c>, <see cref="DEFAULT_IDENTIFY_SLOT_GRACE"/> (150 ms)
    /// after the slot. With just-in-time connect the socket is open and Hello received before the slot, so the
    /// send only waits for a timer: the cold-start benchmark measured at most 22 ms (bench/README.md);</item>
    /// <item>the remaining 150 ms cover the spread of the way to Discord between two sends of one bot (silos
    /// in one region: a few ms to tens of ms; the benchmark measured 3–28 ms from send to receipt on one
    /// host). The silo's estimate of the coordinator's clock does not count: a permit spans only the part of
    /// [slot, use-by] that is certain whatever the grant call's legs took (CoordinatorIdentifyGate).</item>
    /// </list>
    /// Each 0.1 s of margin costs 2 % of a cold start; the former 5.5 s cost 10 %.
    /// </summary>
    public static readonly TimeSpan DEFAULT_IDENTIFY_WINDOW = TimeSpan.FromSeconds(5.3);

    /// <summary>
    /// Default for <see cref="IdentifySlotGrace"/>: 150 ms, how long a shard held up after its slot (a GC pause,
    /// a starved thread pool) may still send. Half of <see cref="DEFAULT_IDENTIFY_WINDOW"/>'s margin over
    /// Discord's 5 s; the other half is for the network and the clock estimate. A shard held up longer hands
    /// the permit back and gets the key's next free slot (not charged again).
    /// </summary>
    public static readonly TimeSpan DEFAULT_IDENTIFY_SLOT_GRACE = TimeSpan.FromMilliseconds(150);

    /// <summary>Default for <see cref="GatewayInfoRefresh"/>.</summary>
    public static readonly TimeSpan DEFAULT_GATEWAY_INFO_REFRESH = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="BudgetRefreshMinInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_BUDGET_REFRESH_MIN_INTERVAL = TimeSpan.FromSeconds(30);

    /// <summary>Default for <see cref="LedgerKeyPrefix"/>.</summary>
    public const string DEFAULT_LEDGER_KEY_PREFIX = "sharder";

    /// <summary>
    /// Spacing between two Identify calls on one rate-limit key (<c>shard_id % max_concurrency</c>).
    /// Keep at least Discord's 5 s plus <see cref="IdentifySlotGrace"/> plus the network's jitter in
    /// production (see <see cref="DEFAULT_IDENTIFY_WINDOW"/>): a shorter window gets Identify refused with
    /// op 9. Only tests against the simulator shorten it.
    /// </summary>
    public TimeSpan IdentifyWindow { get; set; } = DEFAULT_IDENTIFY_WINDOW;

    /// <summary>
    /// How late after its slot a shard may still send Identify. A shard that wakes later (a starved thread
    /// pool, a paused process) would crowd the next slot on its key, so it does not send: it asks for a new
    /// slot, which is not charged again. Keep it below the margin <see cref="IdentifyWindow"/> has over Discord's 5 s
    /// (startup only checks that it is below <see cref="IdentifyWindow"/>, since simulator tests shorten both).
    /// </summary>
    public TimeSpan IdentifySlotGrace { get; set; } = DEFAULT_IDENTIFY_SLOT_GRACE;

    /// <summary>
    /// Session starts left untouched out of Discord's daily budget: the coordinator refuses new sessions
    /// once <c>remaining</c> is at or below this number, so a bot that keeps failing cannot burn the
    /// budget to zero (which makes Discord reset the token). Resumes are never charged.
    /// </summary>
    public int BudgetReserve { get; set; } = DEFAULT_BUDGET_RESERVE;

    /// <summary>How often the coordinator re-reads <c>/gateway/bot</c> for the budget and <c>max_concurrency</c>.</summary>
    public TimeSpan GatewayInfoRefresh { get; set; } = DEFAULT_GATEWAY_INFO_REFRESH;

    /// <summary>
    /// Shortest time between two <c>/gateway/bot</c> reads outside the regular <see cref="GatewayInfoRefresh"/>:
    /// the one before refusing a shard for the budget and the one that settles an Identify reported failed.
    /// Shared by every coordinator of the bot (it is counted from the last refresh any of them applied).
    /// </summary>
    public TimeSpan BudgetRefreshMinInterval { get; set; } = DEFAULT_BUDGET_REFRESH_MIN_INTERVAL;

    /// <summary>
    /// Start of the Redis key of the identify ledger, <c>{prefix}:identify:{application id}</c>. Every cluster
    /// of one bot must use the same prefix (and Redis) so they share the identify buckets and the daily budget.
    /// </summary>
    public string LedgerKeyPrefix { get; set; } = DEFAULT_LEDGER_KEY_PREFIX;
}
