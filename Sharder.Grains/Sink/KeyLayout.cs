using System.Collections.Concurrent;
using System.Globalization;

namespace Sharder.Grains.Sink;

/// <summary>
/// Names the Redis keys of the event output. Names are relative: the publisher's database view adds
/// <c>{KeyPrefix}:</c> (<c>WithKeyPrefix</c>), so <see cref="EventKey"/> "events:MESSAGE_CREATE" is stored
/// as "sharder:events:MESSAGE_CREATE". Pure: no I/O.
/// </summary>
internal sealed class KeyLayout
{
    /// <summary>The list that <see cref="RedisOutputFormat.SharderBinary"/> pushes to (<c>sharder:from</c>).</summary>
    public const string SharderBinaryList = "from";

    /// <summary>The single list, and the stem of every other event list.</summary>
    public const string EventsList = "events";

    /// <summary>Where <see cref="EventListLayout.PerEventType"/> puts markers.</summary>
    public const string LifecycleList = "events:_lifecycle";

    // Event types come from Discord (about 80 names); the cap only guards against a flood of invented ones.
    private const int MaxCachedEventTypes = 512;

    private readonly RedisOutputFormat _format;
    private readonly EventListLayout _layout;
    private readonly string[] _partitionLists;
    private readonly ConcurrentDictionary<string, string> _eventTypeLists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int ShardId, int KeyTotal), ShardKeys> _shards = new();

    public KeyLayout(RedisOutputFormat format, EventListLayout layout, int partitions, RedisKeyLayout keyLayout = RedisKeyLayout.Standalone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _format = format;
        _layout = layout;
        KeyLayoutKind = keyLayout;
        _partitionLists = layout == EventListLayout.GuildPartitioned
            ? [.. Enumerable.Range(0, partitions).Select(p => $"{EventsList}:{p.ToString(CultureInfo.InvariantCulture)}")]
            : [];
        MarkerLists = format == RedisOutputFormat.SharderBinary
            ? []
            : layout switch
            {
                EventListLayout.PerEventType => [LifecycleList],
                EventListLayout.GuildPartitioned => _partitionLists,
                _ => [EventsList],
            };
    }

    /// <summary>
    /// Lists that receive lifecycle markers: every list a worker of a shard may read. Empty for sharder-binary.
    /// In <see cref="RedisKeyLayout.Cluster"/> each shard has its own copies (<see cref="For"/>).
    /// </summary>
    public IReadOnlyList<string> MarkerLists { get; }

    /// <summary>Standalone or Cluster key names (<see cref="For"/>).</summary>
    public RedisKeyLayout KeyLayoutKind { get; }

    /// <summary>Which list an envelope goes to.</summary>
    public EventListLayout EventListLayout => _layout;

    /// <summary>The partition lists of <see cref="EventListLayout.GuildPartitioned"/> without a shard's tag; empty otherwise.</summary>
    internal IReadOnlyList<string> SharedPartitionLists => _partitionLists;

    /// <summary>The keys of one shard's output: the ones scripts name for it (checkpoint, event, marker and dead lists).</summary>
    /// <param name="shardId">The shard.</param>
    /// <param name="keyTotal">0 for the first generation's unqualified names, else the generation's total (<see cref="ShardKeys"/>).</param>
    public ShardKeys For(int shardId, int keyTotal = 0)
    {
        if (_shards.TryGetValue((shardId, keyTotal), out var keys))
        {
            return keys;
        }

        return _shards.GetOrAdd((shardId, keyTotal), key => new ShardKeys(this, key.ShardId, key.KeyTotal));
    }

    /// <summary>How a shard is named in its keys: <c>3</c>, or <c>3/8</c> for shard 3 of a later generation of 8.</summary>
    public static string ShardName(int shardId, int keyTotal = 0)
        => keyTotal == 0
            ? shardId.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{shardId}/{keyTotal}");

    /// <summary>The partition of a guild: <c>(guild_id &gt;&gt; 22) % partitions</c>; 0 without a guild.</summary>
    public static int GuildPartition(ulong? guildId, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return guildId is { } id ? (int)((id >> 22) % (ulong)partitions) : 0;
    }

    /// <summary>The shard's checkpoint hash (session, seq, resume_url, epoch, marker) in <see cref="RedisKeyLayout.Standalone"/>.</summary>
    public static string CheckpointKey(int shardId, int keyTotal = 0) => $"shard:{ShardName(shardId, keyTotal)}:checkpoint";

    /// <summary>The list an event goes to in <see cref="RedisKeyLayout.Standalone"/> (Cluster: <see cref="For"/>).</summary>
    public string EventKey(string eventType, ulong? guildId)
    {
        if (_format == RedisOutputFormat.SharderBinary)
        {
            return SharderBinaryList;
        }

        return _layout switch
        {
            EventListLayout.PerEventType => EventTypeList(eventType),
            EventListLayout.GuildPartitioned => _partitionLists[GuildPartition(guildId, _partitionLists.Length)],
            _ => EventsList,
        };
    }

    private string EventTypeList(string eventType)
    {
        if (_eventTypeLists.TryGetValue(eventType, out var list))
        {
            return list;
        }

        list = $"{EventsList}:{eventType}";
        if (_eventTypeLists.Count < MaxCachedEventTypes)
        {
            _eventTypeLists.TryAdd(eventType, list);
        }

        return list;
    }
}
