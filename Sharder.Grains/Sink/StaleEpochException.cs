namespace Sharder.Grains.Sink;

/// <summary>
/// Redis refused a push because a newer activation of the shard acquired a higher epoch. The caller is
/// a stale activation: it must stop its gateway connection and push nothing more.
/// </summary>
public sealed class StaleEpochException : Exception
{
    public StaleEpochException()
    {
    }

    public StaleEpochException(string message)
        : base(message)
    {
    }

    public StaleEpochException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StaleEpochException(int shardId, long epoch, long currentEpoch)
        : base($"Shard {shardId} pushed with epoch {epoch}, but epoch {currentEpoch} was acquired since: "
            + "another activation owns the shard now, so this one must stop.")
    {
        ShardId = shardId;
        Epoch = epoch;
        CurrentEpoch = currentEpoch;
    }

    public int ShardId { get; }

    /// <summary>The epoch the refused push carried.</summary>
    public long Epoch { get; }

    /// <summary>The shard's epoch in Redis.</summary>
    public long CurrentEpoch { get; }
}
