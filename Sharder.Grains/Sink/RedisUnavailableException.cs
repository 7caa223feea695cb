namespace Sharder.Grains.Sink;

/// <summary>
/// Redis could not be reached or did not answer in time. The push may or may not have happened; retrying
/// the same batch is safe because the push script drops sequences it already has.
/// </summary>
public sealed class RedisUnavailableException : Exception
{
    public RedisUnavailableException()
    {
    }

    public RedisUnavailableException(string message)
        : base(message)
    {
    }

    public RedisUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RedisUnavailableException(int shardId, Exception innerException)
        : base($"Redis is unavailable for shard {shardId} ({innerException?.Message}); retry the same batch.", innerException)
    {
        ShardId = shardId;
    }

    public int ShardId { get; }
}
