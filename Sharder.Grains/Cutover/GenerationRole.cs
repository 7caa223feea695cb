namespace Sharder.Grains.Cutover;

/// <summary>Which side of a resharding run a shard is on.</summary>
internal enum GenerationRole
{
    /// <summary>The generation in service, not resharding: publishes everything.</summary>
    Sole,

    /// <summary>The generation being replaced: publishes up to the cut-over.</summary>
    Old,

    /// <summary>The generation taking over: publishes from the cut-over on.</summary>
    New,
}
