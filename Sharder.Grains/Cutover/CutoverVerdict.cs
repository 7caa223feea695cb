namespace Sharder.Grains.Cutover;

/// <summary>What a shard does with one event during a resharding overlap (<see cref="CutoverDecision"/>).</summary>
internal enum CutoverVerdict
{
    /// <summary>Publish it as usual.</summary>
    Publish,

    /// <summary>The other generation publishes it; this one only counts it as handled.</summary>
    Drop,

    /// <summary>Publish it marked <c>"overlap":true</c>: the other generation may publish it too.</summary>
    PublishOverlap,
}
