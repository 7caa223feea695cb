namespace Sharder.Client.Sharding;

/// <summary>Why a worker consumes a generation's event lists (<see cref="ShardGeneration.Use"/>).</summary>
public enum GenerationUse
{
    /// <summary>The generation in service: it publishes every event outside a run, and those before the cut-over during one.</summary>
    InService,

    /// <summary>
    /// The new generation of a run in progress: it publishes from the cut-over on. Consume its lists from now, so its
    /// first events do not wait for the worker's next read of the record.
    /// </summary>
    Incoming,

    /// <summary>
    /// The other generation of the last run, which has ended (the old one after a switch, the new one after a rollback):
    /// it publishes nothing more. Pop its lists until they are empty, then stop.
    /// </summary>
    Draining,
}
