using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Sink;

/// <summary>
/// Where and how shard events are pushed to Redis. Checked at startup by <see cref="RedisOutputOptionsValidator"/>.
/// The Redis connection itself is the shared multiplexer, configured elsewhere.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class RedisOutputOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Redis:Output";

    /// <summary>Default for <see cref="Format"/>.</summary>
    public const RedisOutputFormat DEFAULT_FORMAT = RedisOutputFormat.Envelope;

    /// <summary>Default for <see cref="KeyPrefix"/>; with it the sharder-binary keys are <c>sharder:from</c> and <c>sharder:to:{shard}</c>.</summary>
    public const string DEFAULT_KEY_PREFIX = "sharder";

    /// <summary>Default for <see cref="Layout"/>.</summary>
    public const EventListLayout DEFAULT_LAYOUT = EventListLayout.Single;

    /// <summary>Default for <see cref="Partitions"/>.</summary>
    public const int DEFAULT_PARTITIONS = 16;

    /// <summary>Default for <see cref="KeyLayout"/>.</summary>
    public const RedisKeyLayout DEFAULT_KEY_LAYOUT = RedisKeyLayout.Standalone;

    /// <summary>Default for <see cref="MaxLength"/>: no bound.</summary>
    public const long DEFAULT_MAX_LENGTH = 0;

    /// <summary>
    /// <see cref="RedisOutputFormat.Envelope"/> (default): JSON envelope with markers, laid out by <see cref="Layout"/>.
    /// <see cref="RedisOutputFormat.SharderBinary"/>: raw frame + u16 shard id on <c>{prefix}:from</c>, dispatches only.
    /// </summary>
    public RedisOutputFormat Format { get; set; } = DEFAULT_FORMAT;

    /// <summary>
    /// First part of every key, followed by a colon: events, checkpoints (<c>{prefix}:shard:{id}:checkpoint</c>)
    /// and command lists. No whitespace. Default <c>sharder</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = DEFAULT_KEY_PREFIX;

    /// <summary>
    /// <see cref="RedisKeyLayout.Standalone"/> (default): one Redis server (with replicas or Sentinel).
    /// <see cref="RedisKeyLayout.Cluster"/>: Redis Cluster; every key a script touches shares a hash tag
    /// (<c>{prefix}:{shard:N}:events</c>, <c>{prefix}:{shard:N}:checkpoint</c>), so events go to per-shard lists.
    /// Needs <see cref="RedisOutputFormat.Envelope"/>. The command keys follow it unless set on their own.
    /// </summary>
    public RedisKeyLayout KeyLayout { get; set; } = DEFAULT_KEY_LAYOUT;

    /// <summary>
    /// Which list an envelope goes to: <see cref="EventListLayout.Single"/> (default),
    /// <see cref="EventListLayout.PerEventType"/> or <see cref="EventListLayout.GuildPartitioned"/>.
    /// Must stay <see cref="EventListLayout.Single"/> with <see cref="RedisOutputFormat.SharderBinary"/>.
    /// </summary>
    public EventListLayout Layout { get; set; } = DEFAULT_LAYOUT;

    /// <summary>Number of lists for <see cref="EventListLayout.GuildPartitioned"/> (1–1024). Default 16.</summary>
    public int Partitions { get; set; } = DEFAULT_PARTITIONS;

    /// <summary>
    /// When not empty, only these event types (e.g. <c>MESSAGE_CREATE</c>) are pushed. Skipped events still
    /// advance the checkpoint, so they are never replayed.
    /// </summary>
    public ISet<string> AllowedEventTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Event types never pushed, e.g. <c>TYPING_START</c>. Skipped events still advance the checkpoint.
    /// </summary>
    public ISet<string> DeniedEventTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Optional bound on every event list: after each push the push script trims the oldest entries beyond
    /// this many (in the same atomic step), counts them and says so in a <c>trimmed</c> marker (at most one
    /// per list every 10 s). 0 (default) leaves lists unbounded. Trimmed events are gone for workers: set it
    /// well above a normal backlog, e.g. 1000000.
    /// </summary>
    public long MaxLength { get; set; } = DEFAULT_MAX_LENGTH;
}
