namespace Sharder.Grains.Diagnostics;

/// <summary>
/// The shards running in this silo, as the gateway gauges read them at each collection (the silo's shard
/// registry); kept as an interface so the meter needs no shard or gateway types.
/// </summary>
internal interface IShardGaugeSource
{
    /// <summary>One reading per shard running here, by shard id.</summary>
    IReadOnlyList<ShardGaugeReading> ReadGauges();
}
