using System.Diagnostics.CodeAnalysis;

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
    public static readonly TimeSpan DEFAULT_RECONNECT_MAX_DELAY = TimeSpan.FromSeconds(10);

    /// <summary>Default for <see cref="RedeliveryDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_REDELIVERY_DELAY = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="DeliveryTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_DELIVERY_TIMEOUT = TimeSpan.FromSeconds(10);

    /// <summary>
    /// First part of the command keys: <c>{prefix}:to:{shard}</c> and <c>{prefix}:commands</c>. In a silo it
    /// follows <c>Redis:Output:KeyPrefix</c> unless set on its own. Default <c>sharder</c> (sharder-binary's key names).
    /// </summary>
    public string KeyPrefix { get; set; } = DEFAULT_KEY_PREFIX;

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
    /// After a shard refused a command (it went back to the head of its list), how long this process stops
    /// popping that shard's list, so a shard that moved away is not retried in a tight loop. Default 1 s.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = DEFAULT_REDELIVERY_DELAY;

    /// <summary>How long the delivery delegate may take before the command counts as not delivered. Default 10 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = DEFAULT_DELIVERY_TIMEOUT;
}
