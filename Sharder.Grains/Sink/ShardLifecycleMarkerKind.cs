namespace Sharder.Grains.Sink;

/// <summary>Which lifecycle marker a shard writes to the event lists.</summary>
internal enum ShardLifecycleMarkerKind
{
    /// <summary>The session continued (RESUMED): no event was missed.</summary>
    Resumed,

    /// <summary>A new session replaced the checkpointed one: events after its last sequence are gone.</summary>
    Reidentified,
}
