namespace Sharder.Grains.Sink;

/// <summary>How the silo names its Redis keys: for one server (or a primary with replicas) or for Redis Cluster.</summary>
public enum RedisKeyLayout
{
    /// <summary>
    /// Today's keys: shared event lists (<c>{prefix}:events</c>…), <c>{prefix}:shard:{id}:checkpoint</c>,
    /// <c>{prefix}:to:{shard}</c>. Scripts touch keys of several hash slots, so Redis Cluster refuses them.
    /// </summary>
    Standalone,

    /// <summary>
    /// Every key a script touches shares one hash tag, so each script runs on one slot: a shard's checkpoint,
    /// event lists, marker lists and dead list live under <c>{prefix}:{shard:N}:</c> (events per shard, no
    /// shared list), the command lists under <c>{prefix:commands}</c>. See docs/redis-cluster.md.
    /// </summary>
    Cluster,
}
