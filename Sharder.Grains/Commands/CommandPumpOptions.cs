using System.Diagnostics.CodeAnalysis;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Commands;

/// <summary>
/// Settings of the <see cref="CommandPump"/> that moves worker commands from Redis lists to the shards
/// hosted in this process. Checked by <see cref="CommandPumpOptionsValidator"/>.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class CommandPumpOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Redis:Commands";

    /// <summary>Default for <see cref="KeyPrefix"/>.</summary>
    public const string DEFAULT_KEY_PREFIX = "sharder";

    /// <summary>Default for <see cref="BlockTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_BLOCK_TIMEOUT = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_CONNECT_TIMEOUT = TimeSpan.FromSeconds(5);

    /// <summary>Default for <see cref="ResponseTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_RESPONSE_TIMEOUT = TimeSpan.FromSeconds(5);

    /// <summary>Default for <see cref="ReconnectBaseDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_RECONNECT_BASE_DELAY = TimeSpan.FromMilliseconds(100);

    /// <summary>Default for <see cref="ReconnectMaxDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_RECONNECT_MAX_DELAY = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="RedeliveryDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_REDELIVERY_DELAY = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="UndeliverableAfter"/>.</summary>
    public static readonly TimeSpan DEFAULT_UNDELIVERABLE_AFTER = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="DeadLetterMaxLength"/>.</summary>
    public const int DEFAULT_DEAD_LETTER_MAX_LENGTH = 10_000;

    /// <summary>The ops let through when <see cref="AllowedOps"/> is empty: every gateway command but Heartbeat, Identify and Resume.</summary>
    public static readonly IReadOnlyList<int> DEFAULT_ALLOWED_OPS = [3, 4, 8, 31, 43];

    /// <summary>
    /// First part of the command keys: <c>{prefix}:to:{shard}</c> and <c>{prefix}:commands</c>. In a silo it
    /// follows <c>Redis:Output:KeyPrefix</c> unless set on its own. Default <c>sharder</c> (sharder-binary's key names).
    /// </summary>
    public string KeyPrefix { get; set; } = DEFAULT_KEY_PREFIX;

    /// <summary>
    /// <see cref="RedisKeyLayout.Cluster"/> for Redis Cluster: the command keys share the hash tag <c>{prefix}</c>
    /// (<c>{sharder}:to:{shard}</c>) and the pump connects to the primary owning that slot. In a silo it follows
    /// <c>Redis:Output:KeyLayout</c> unless set on its own. Default <see cref="RedisKeyLayout.Standalone"/>.
    /// </summary>
    public RedisKeyLayout KeyLayout { get; set; } = RedisKeyLayout.Standalone;

    /// <summary>
    /// BLPOP's own timeout. A change of the hosted shards wakes BLPOP at once (CLIENT UNBLOCK); this is the
    /// fallback when that is not permitted, and how often an idle connection is proven alive. Default 1 s.
    /// </summary>
    public TimeSpan BlockTimeout { get; set; } = DEFAULT_BLOCK_TIMEOUT;

    /// <summary>Limit for opening the connection and for AUTH/SELECT. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DEFAULT_CONNECT_TIMEOUT;

    /// <summary>How long a reply may take beyond <see cref="BlockTimeout"/> before the connection is replaced. Default 5 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = DEFAULT_RESPONSE_TIMEOUT;

    /// <summary>First wait before reconnecting to Redis; doubles per failed attempt. Default 100 ms.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = DEFAULT_RECONNECT_BASE_DELAY;

    /// <summary>Longest wait between reconnect attempts. Default 10 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = DEFAULT_RECONNECT_MAX_DELAY;

    /// <summary>
    /// After a shard could not take a command (its outbound queue was full, or it is stopping), how long this
    /// process stops popping that shard's list; the command went back to the head of the list. Other shards'
    /// lists are not affected. Default 1 s.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = DEFAULT_REDELIVERY_DELAY;

    /// <summary>
    /// The gateway ops a worker may send (<c>Redis:Commands:AllowedOps:0=3</c>, …). Empty (the default) means
    /// 3, 4, 8, 31 and 43. Only those five are possible: Heartbeat (1), Identify (2), Resume (6) and unknown ops
    /// would make the gateway close the shard's connection or start a session.
    /// </summary>
    public IList<int> AllowedOps { get; set; } = [];

    /// <summary>
    /// Longest <c>{prefix}:commands:dead</c> may grow; older entries are trimmed (LTRIM) so a flood of bad
    /// commands cannot fill Redis. 0 keeps every entry. Default 10,000.
    /// </summary>
    public int DeadLetterMaxLength { get; set; } = DEFAULT_DEAD_LETTER_MAX_LENGTH;

    /// <summary>
    /// A shard's command list whose first command no silo took for this long (the shard is hosted nowhere) is
    /// moved to the dead-letter list, as are lists under <c>{prefix}:to:</c> that name no shard of the bot.
    /// Every silo checks about every fifth of this (at most every 30 s). Default 5 minutes.
    /// </summary>
    public TimeSpan UndeliverableAfter { get; set; } = DEFAULT_UNDELIVERABLE_AFTER;

    /// <summary>How often the stuck-list check runs: a fifth of <see cref="UndeliverableAfter"/>, at most 30 s.</summary>
    internal TimeSpan SweepInterval => UndeliverableAfter / 5 < TimeSpan.FromSeconds(30) ? UndeliverableAfter / 5 : TimeSpan.FromSeconds(30);

    /// <summary>The ops actually allowed: <see cref="AllowedOps"/>, or <see cref="DEFAULT_ALLOWED_OPS"/> when it is empty.</summary>
    internal IReadOnlyCollection<int> EffectiveAllowedOps => AllowedOps.Count == 0 ? DEFAULT_ALLOWED_OPS : [.. AllowedOps];
}
