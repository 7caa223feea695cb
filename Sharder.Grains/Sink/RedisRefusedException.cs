namespace Sharder.Grains.Sink;

/// <summary>
/// Redis answered with an error a retry alone will not fix (out of memory, no permission, a checkpoint or
/// dead list of the wrong type, a failing script). Nothing was written for the call: keep the events and
/// retry with backoff, but surface the problem; it needs an operator.
/// </summary>
public sealed class RedisRefusedException : Exception
{
    public RedisRefusedException()
    {
    }

    public RedisRefusedException(string message)
        : base(message)
    {
    }

    public RedisRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RedisRefusedException(int shardId, string reasonCode, string detail, Exception? innerException = null)
        : base($"Redis refused the output of shard {shardId}: {detail}", innerException)
    {
        ShardId = shardId;
        ReasonCode = reasonCode;
    }

    public int ShardId { get; }

    /// <summary>The answer's error code: OOM, NOPERM, WRONGTYPE, MISCONF, SCRIPT, ...</summary>
    public string ReasonCode { get; } = "ERR";
}
