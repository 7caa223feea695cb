using System.Collections.Concurrent;
using System.Globalization;

namespace Sharder.Grains.Sink;

/// <summary>
/// The keys of one shard's output under a <see cref="RedisKeyLayout"/>, relative to the key prefix like
/// <see cref="KeyLayout"/>. In <see cref="RedisKeyLayout.Cluster"/> every name starts with the hash tag
/// <c>{shard:N}:</c>, so the checkpoint (which holds the fence) and every list a push or marker script
/// writes hash to one slot. Built once per shard and cached by <see cref="KeyLayout.For"/>. Pure: no I/O.
/// </summary>
internal sealed class ShardKeys
{
    private const int MaxCachedEventTypes = 512;

    private readonly KeyLayout _layout;
    private readonly string _stem;
    private readonly string[] _partitionLists;
    private readonly string _singleList;
    private readonly ConcurrentDictionary<string, string>? _eventTypeLists;

    /// <param name="layout">The output's layout.</param>
    /// <param name="shardId">The shard.</param>
    /// <param name="keyTotal">
    /// 0 for the unqualified names (<c>shard:3</c>) of the bot's first generation; otherwise the total of a
    /// later generation, whose names carry it (<c>shard:3/8</c>) so two generations live at once never share a key.
    /// </param>
    public ShardKeys(KeyLayout layout, int shardId, int keyTotal = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfNegative(keyTotal);
        _layout = layout;
        ShardId = shardId;
        KeyTotal = keyTotal;
        var id = KeyLayout.ShardName(shardId, keyTotal);
        if (layout.KeyLayoutKind == RedisKeyLayout.Cluster)
        {
            // The tag is "shard:N" (the prefix is added outside it by WithKeyPrefix); the validator keeps braces
            // out of the prefix, so this is the first {...} of the full key and Redis hashes only it.
            _stem = $"{{shard:{id}}}:";
            Checkpoint = _stem + "checkpoint";
            DeadList = _stem + RedisEventPublisher.DeadList;
            _partitionLists = [.. layout.SharedPartitionLists.Select(list => _stem + list)];
            _singleList = _stem + KeyLayout.EventsList;
            MarkerLists = [.. layout.MarkerLists.Select(list => _stem + list)];
            _eventTypeLists = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        }
        else
        {
            _stem = string.Empty;
            Checkpoint = KeyLayout.CheckpointKey(shardId, keyTotal);
            DeadList = RedisEventPublisher.DeadList;
            _partitionLists = [];
            _singleList = KeyLayout.EventsList;
            MarkerLists = layout.MarkerLists;
        }
    }

    public int ShardId { get; }

    /// <summary>The generation total the names carry; 0 for unqualified names.</summary>
    public int KeyTotal { get; }

    /// <summary>The checkpoint hash (session, seq, resume_url, epoch, marker).</summary>
    public string Checkpoint { get; }

    /// <summary>Where events that cannot be written go.</summary>
    public string DeadList { get; }

    /// <summary>Lists that receive this shard's lifecycle markers; empty for sharder-binary.</summary>
    public IReadOnlyList<string> MarkerLists { get; }

    /// <summary>The list an event of this shard goes to.</summary>
    public string EventKey(string eventType, ulong? guildId)
    {
        if (_eventTypeLists is null)
        {
            return _layout.EventKey(eventType, guildId);
        }

        if (_layout.EventListLayout == EventListLayout.GuildPartitioned)
        {
            return _partitionLists[KeyLayout.GuildPartition(guildId, _partitionLists.Length)];
        }

        if (_layout.EventListLayout != EventListLayout.PerEventType)
        {
            return _singleList;
        }

        if (_eventTypeLists.TryGetValue(eventType, out var list))
        {
            return list;
        }

        list = _stem + _layout.EventKey(eventType, guildId);
        if (_eventTypeLists.Count < MaxCachedEventTypes)
        {
            _eventTypeLists.TryAdd(eventType, list);
        }

        return list;
    }
}
