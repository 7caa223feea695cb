namespace Sharder.Grains.Diagnostics;

/// <summary>Names of Sharder's instruments on the "Sharder" meter. Part of the telemetry contract: never rename.</summary>
internal static class InstrumentNames
{
    public const string ShardActivations = "sharder-shard-activations";
    public const string ShardHandoffs = "sharder-shard-handoffs";
    public const string ShardHandoffGap = "sharder-shard-handoff-gap";
    public const string ShardsFenced = "sharder-shard-fenced";
    public const string ShardsHosted = "sharder-shard-hosted";
    public const string SinkEventsPublished = "sharder-sink-events-published";
    public const string IdentifyGrants = "sharder-coordinator-identify-grants";
    public const string IdentifyRefusals = "sharder-coordinator-identify-refusals";
    public const string RebalanceMoves = "sharder-supervisor-rebalance-moves";
    public const string CommandsAccepted = "sharder-commands-accepted";
    public const string CommandsRejected = "sharder-commands-rejected";
    public const string CommandsDeadLettered = "sharder-commands-dead-lettered";
}
