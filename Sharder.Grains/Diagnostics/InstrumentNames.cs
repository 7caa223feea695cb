namespace Sharder.Grains.Diagnostics;

/// <summary>
/// Names of Sharder's instruments on the "Sharder" meter. Part of the telemetry contract: never rename.
/// Dotted, as OpenTelemetry names instruments; the Prometheus exporter turns the dots into underscores and adds
/// the unit and <c>_total</c> suffixes (<c>sharder.events.published</c> → <c>sharder_events_published_total</c>).
/// </summary>
internal static class InstrumentNames
{
    // Shards and hand-offs.
    public const string ShardActivations = "sharder.shard.activations";
    public const string ShardHandoffs = "sharder.shard.handoffs";
    public const string ShardHandoffGap = "sharder.shard.handoff.gap";
    public const string ShardsFenced = "sharder.shard.fenced";
    public const string ShardsHosted = "sharder.shard.hosted";

    // Sink: events to Redis.
    public const string SinkEventsPublished = "sharder.events.published";
    public const string SinkEventsPublishedByType = "sharder.events.published.by_type";
    public const string SinkBatchSize = "sharder.publish.batch.size";
    public const string SinkPublishLatency = "sharder.publish.latency";
    public const string GatewayToRedisLatency = "sharder.gateway.to_redis.latency";
    public const string SinkRefusals = "sharder.sink.refusals";
    public const string SinkEventsDeadLettered = "sharder.sink.events.dead_lettered";
    public const string SinkResyncs = "sharder.sink.resyncs";
    public const string SinkEventsTrimmed = "sharder.sink.events.trimmed";
    public const string SinkListLength = "sharder.sink.list.length";

    // Gateway connections (observed from the shards running in this silo, or reported by them).
    public const string GatewayHeartbeatRtt = "sharder.gateway.heartbeat.rtt";
    public const string GatewayShardState = "sharder.gateway.shard.state";
    public const string GatewayReconnects = "sharder.gateway.reconnects";
    public const string GatewayCloses = "sharder.gateway.closes";
    public const string GatewayIdentifies = "sharder.gateway.identifies";
    public const string GatewayResumes = "sharder.gateway.resumes";
    public const string GatewayIdentifyFailures = "sharder.gateway.identify.failures";

    // Identify coordination.
    public const string IdentifyGrants = "sharder.coordinator.identify.grants";
    public const string IdentifyRefusals = "sharder.coordinator.identify.refusals";
    public const string IdentifyFailures = "sharder.coordinator.identify.failures";
    public const string IdentifyBudgetRemaining = "sharder.coordinator.identify.budget.remaining";
    public const string IdentifyWaitingShards = "sharder.coordinator.identify.waiting_shards";
    public const string RebalanceMoves = "sharder.supervisor.rebalance.moves";
    public const string ReshardState = "sharder.supervisor.reshard.state";

    // Worker commands.
    public const string CommandsAccepted = "sharder.commands.accepted";
    public const string CommandsRejected = "sharder.commands.rejected";
    public const string CommandsDeadLettered = "sharder.commands.dead_lettered";
}
