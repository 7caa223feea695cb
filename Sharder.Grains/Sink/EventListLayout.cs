namespace Sharder.Grains.Sink;

/// <summary>Which list an <see cref="RedisOutputFormat.Envelope"/> event goes to.</summary>
public enum EventListLayout
{
    /// <summary>Every event to <c>{prefix}:events</c>.</summary>
    Single,

    /// <summary>One list per event type, <c>{prefix}:events:{TYPE}</c>; markers to <c>{prefix}:events:_lifecycle</c>.</summary>
    PerEventType,

    /// <summary>
    /// <c>{prefix}:events:{p}</c> with p = (guild_id &gt;&gt; 22) % partitions, 0 for events without a guild.
    /// A guild's events stay in order on one list; markers go to every partition.
    /// </summary>
    GuildPartitioned,
}
