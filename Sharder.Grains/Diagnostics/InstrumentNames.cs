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
    public const string SinkRefusals = "sharder-sink-refusals";
    public const string SinkEventsDeadLettered = "sharder-sink-events-dead-lettered";
    public const string SinkResyncs = "sharder-sink-resyncs";
    public const string SinkEventsTrimmed = "sharder-sink-events-trimmed";
    public const string SinkListLength = "sharder-sink-list-length";
    public const string IdentifyGrants = "sharder-coordinator-identify-grants";
    public const string IdentifyRefusals = "sharder-coordinator-identify-refusals";
    public const string IdentifyFailures = "sharder-coordinator-identify-failures";
    public const string RebalanceMoves = "sharder-supervisor-rebalance-moves";
    public const string GatewayIdentifyFailures = "sharder-gateway-identify-failures";
    public const string CommandsAccepted = "sharder-commands-accepted";
    public const string CommandsRejected = "sharder-commands-rejected";
    public const string CommandsDeadLettered = "sharder-commands-dead-lettered";
}
