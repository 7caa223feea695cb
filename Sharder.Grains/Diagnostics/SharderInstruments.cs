using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Diagnostics;

/// <summary>
/// Sharder's one meter ("Sharder", created through <see cref="IMeterFactory"/>, which owns and disposes it)
/// and its instruments; callers report through the <c>On...</c> methods. The gateway gauges (heartbeat RTT,
/// state, reconnects, identifies, resumes) are observed from the <see cref="IShardGaugeSource"/> at each
/// collection, so they cost nothing between scrapes. Tags stay bounded: a shard id (at most the shard count),
/// an enum value, a close code within the protocol's ranges, or one of the first
/// <see cref="MaxEventTypes"/> event types.
/// </summary>
internal sealed class SharderInstruments : IGatewayMetrics
{
    /// <summary>The meter name to enable in OpenTelemetry.</summary>
    public const string MeterName = "Sharder";

    /// <summary>Event types tagged by name on <see cref="InstrumentNames.SinkEventsPublishedByType"/>; later ones count as "other".</summary>
    public const int MaxEventTypes = 64;

    /// <summary>The tag value for event types past <see cref="MaxEventTypes"/> and close codes outside the protocol's ranges.</summary>
    public const string OtherTag = "other";

    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] GapBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly int[] BatchBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

    private readonly IShardGaugeSource? _shards;
    private readonly TimeProvider _timeProvider;
    private readonly EventTypeGuard _eventTypes = new(MaxEventTypes, OtherTag);
    private readonly ConcurrentDictionary<int, ShardEventActivity> _activity = new();
    private readonly Counter<long> _publishedByType;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _publishLatency;
    private readonly Histogram<double> _gatewayToRedis;
    private readonly Counter<long> _closes;
    private IdentifyBudgetSample? _identifyBudget;
    private volatile string? _reshardState;

    private readonly Counter<long> _activations;
    private readonly Counter<long> _handoffs;
    private readonly Histogram<double> _handoffGap;
    private readonly Counter<long> _fenced;
    private readonly UpDownCounter<long> _hosted;
    private readonly Counter<long> _published;
    private readonly Counter<long> _sinkRefusals;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _resyncs;
    private readonly Counter<long> _trimmed;
    private readonly ConcurrentDictionary<string, long> _listLengths = new(StringComparer.Ordinal);
    private readonly Counter<long> _grants;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _reportedIdentifyFailures;
    private readonly Counter<long> _rebalanceMoves;
    private readonly Counter<long> _identifyFailures;
    private readonly Counter<long> _commandsAccepted;
    private readonly Counter<long> _commandsRejected;
    private readonly Counter<long> _commandsDeadLettered;

    /// <param name="meterFactory">Creates (and owns) the meter.</param>
    /// <param name="shards">The shards running in this silo, observed by the gateway gauges; none when null.</param>
    /// <param name="timeProvider">Clock for the last-event times; the system clock when null.</param>
    public SharderInstruments(IMeterFactory meterFactory, IShardGaugeSource? shards = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _shards = shards;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var meter = meterFactory.Create(MeterName);
        _activations = meter.CreateCounter<long>(InstrumentNames.ShardActivations, description: "Shard activations, by how they started.");
        _handoffs = meter.CreateCounter<long>(InstrumentNames.ShardHandoffs, description: "Shard sessions handed to another activation.");
        _handoffGap = meter.CreateHistogram(
            InstrumentNames.ShardHandoffGap,
            unit: "s",
            description: "From the old activation stopping to the new one starting.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GapBuckets });
        _fenced = meter.CreateCounter<long>(InstrumentNames.ShardsFenced, description: "Activations refused by Redis because a newer one owns the shard.");
        _hosted = meter.CreateUpDownCounter<long>(InstrumentNames.ShardsHosted, description: "Shards running in this silo.");
        _published = meter.CreateCounter<long>(InstrumentNames.SinkEventsPublished, description: "Events pushed to Redis, by shard.");
        _publishedByType = meter.CreateCounter<long>(
            InstrumentNames.SinkEventsPublishedByType, description: $"Events pushed to Redis, by event type (the first {MaxEventTypes} types seen; the rest as \"{OtherTag}\").");
        _batchSize = meter.CreateHistogram(
            InstrumentNames.SinkBatchSize,
            unit: "{event}",
            description: "Events per push to Redis, by shard.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        _publishLatency = meter.CreateHistogram(
            InstrumentNames.SinkPublishLatency,
            unit: "s",
            description: "Time one push to Redis took (the script's round trip), by shard.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _gatewayToRedis = meter.CreateHistogram(
            InstrumentNames.GatewayToRedisLatency,
            unit: "s",
            description: "From a dispatch read off the gateway socket to its push to Redis completing.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _sinkRefusals = meter.CreateCounter<long>(
            InstrumentNames.SinkRefusals, description: "Pushes Redis refused with an error a retry alone does not fix (OOM, NOPERM, ...), by reason; the events are kept.");
        _deadLettered = meter.CreateCounter<long>(
            InstrumentNames.SinkEventsDeadLettered, description: "Events that could not be written (their list holds another type), put on the events dead list.");
        _resyncs = meter.CreateCounter<long>(
            InstrumentNames.SinkResyncs, description: "Checkpoints taken over because Redis lost or rolled them back (resynced markers).");
        _trimmed = meter.CreateCounter<long>(
            InstrumentNames.SinkEventsTrimmed, description: "Oldest list entries dropped by Redis:Output:MaxLength, by list.");
        meter.CreateObservableGauge(
            InstrumentNames.SinkListLength,
            () => _listLengths.Select(static l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("list", l.Key))),
            description: "Length of each output list, as last seen by a push from this silo.");
        _grants = meter.CreateCounter<long>(
            InstrumentNames.IdentifyGrants, description: "Identify slots granted; replaces_missed: the slot replaces one the shard could not use in time (not charged again).");
        _refusals = meter.CreateCounter<long>(InstrumentNames.IdentifyRefusals, description: "Identify requests refused, by reason.");
        _reportedIdentifyFailures = meter.CreateCounter<long>(
            InstrumentNames.IdentifyFailures, description: "Identifies reported as never reaching READY; their grants stay charged until a /gateway/bot refresh settles them.");
        meter.CreateObservableGauge(
            InstrumentNames.IdentifyBudgetRemaining,
            () => Volatile.Read(ref _identifyBudget) is { } sample ? [new Measurement<long>(sample.Remaining)] : Array.Empty<Measurement<long>>(),
            description: "Session starts Discord still allows today, as the identify coordinator last reported it.");
        meter.CreateObservableGauge(
            InstrumentNames.IdentifyWaitingShards,
            () => Volatile.Read(ref _identifyBudget) is { } sample ? [new Measurement<long>(sample.WaitingShards)] : Array.Empty<Measurement<long>>(),
            description: "Shards waiting for an identify slot, as the identify coordinator last reported it.");
        _rebalanceMoves = meter.CreateCounter<long>(InstrumentNames.RebalanceMoves, description: "Shards moved by rebalancing.");
        _identifyFailures = meter.CreateCounter<long>(
            InstrumentNames.GatewayIdentifyFailures, description: "Identifies that ended without READY; backoff: the shard now waits before identifying again.");
        _closes = meter.CreateCounter<long>(
            InstrumentNames.GatewayCloses, description: "Gateway connections that ended with a close code (sent or received), by code (\"none\": no code).");
        meter.CreateObservableGauge(
            InstrumentNames.GatewayHeartbeatRtt,
            () => ObserveShards(static s => s.HeartbeatRtt is { } rtt ? rtt.TotalSeconds : null),
            unit: "s",
            description: "Round trip of each shard's last acknowledged heartbeat.");
        meter.CreateObservableGauge(InstrumentNames.GatewayShardState, ObserveStates, description: "1 for each shard running here, tagged with its connection state.");
        meter.CreateObservableGauge(
            InstrumentNames.ReshardState,
            ObserveReshardState,
            description: "1 tagged with the state of the last resharding run the supervisor on this silo advanced (starting ... completed, rolled_back).");
        meter.CreateObservableCounter(
            InstrumentNames.GatewayReconnects, ObserveReconnects, description: "Reconnects of each shard's current activation, by cause.");
        meter.CreateObservableCounter(
            InstrumentNames.GatewayIdentifies,
            () => ObserveShards(static s => (long?)s.Identifies),
            description: "Identify payloads sent by each shard's current activation.");
        meter.CreateObservableCounter(
            InstrumentNames.GatewayResumes,
            () => ObserveShards(static s => (long?)s.Resumes),
            description: "Sessions resumed by each shard's current activation.");
        _commandsAccepted = meter.CreateCounter<long>(
            InstrumentNames.CommandsAccepted, description: "Worker commands that passed validation and were queued on their shard.");
        _commandsRejected = meter.CreateCounter<long>(
            InstrumentNames.CommandsRejected, description: "Worker commands refused before reaching a shard, by reason.");
        _commandsDeadLettered = meter.CreateCounter<long>(
            InstrumentNames.CommandsDeadLettered, description: "Worker commands written to the dead-letter list, by reason.");
    }

    public void OnShardActivated(ShardStartKind kind)
    {
        _activations.Add(1, new KeyValuePair<string, object?>("start", kind.ToString()));
        _hosted.Add(1);
    }

    public void OnShardDeactivated() => _hosted.Add(-1);

    public void OnHandoff(TimeSpan gap)
    {
        _handoffs.Add(1);
        _handoffGap.Record(gap.TotalSeconds);
    }

    public void OnShardFenced() => _fenced.Add(1);

    /// <summary><paramref name="count"/> events of one shard reached Redis in one push; the shard's last-event time moves on.</summary>
    public void OnEventsPublished(int shardId, int count)
    {
        _published.Add(count, new KeyValuePair<string, object?>("shard", shardId));
        _activity.GetOrAdd(shardId, static _ => new ShardEventActivity()).OnPublished(_timeProvider.GetUtcNow(), count);
    }

    /// <summary>One event of <paramref name="eventType"/> reached Redis: counted by (guarded) type.</summary>
    public void OnEventTypePublished(string eventType)
        => _publishedByType.Add(1, new KeyValuePair<string, object?>("type", _eventTypes.Tag(eventType)));

    /// <summary>
    /// One push to Redis of <paramref name="events"/> events that took <paramref name="latency"/>. Records the batch
    /// size and the publish latency only: the events themselves are counted by <see cref="OnEventsPublished"/>.
    /// </summary>
    public void OnBatchPublished(int shardId, int events, TimeSpan latency)
    {
        var shard = new KeyValuePair<string, object?>("shard", shardId);
        _batchSize.Record(events, shard);
        _publishLatency.Record(latency.TotalSeconds, shard);
    }

    /// <summary>An event reached Redis <paramref name="sinceReceived"/> after the gateway socket delivered it.</summary>
    public void OnEventDelivered(TimeSpan sinceReceived) => _gatewayToRedis.Record(sinceReceived.TotalSeconds);

    /// <summary>Events this silo published for <paramref name="shardId"/> and when the last one was; null before the first.</summary>
    public ShardEventActivity? EventActivity(int shardId) => _activity.GetValueOrDefault(shardId);

    /// <summary>The identify coordinator's figures, sampled by the host; the budget gauges report nothing before the first.</summary>
    public void OnIdentifyStatus(int remaining, int waitingShards)
        => Volatile.Write(ref _identifyBudget, new IdentifyBudgetSample(remaining, waitingShards));

    public void OnSinkRefused(string reason) => _sinkRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void OnEventsDeadLettered(int count) => _deadLettered.Add(count);

    public void OnResynced() => _resyncs.Add(1);

    /// <summary>A push's view of one output list: its length afterwards and what the bound trimmed.</summary>
    public void OnOutputList(string list, long length, long trimmed)
    {
        _listLengths[list] = length;
        if (trimmed > 0)
        {
            _trimmed.Add(trimmed, new KeyValuePair<string, object?>("list", list));
        }
    }

    public void OnIdentifyGranted(bool replacesMissedSlot)
        => _grants.Add(1, new KeyValuePair<string, object?>("replaces_missed", replacesMissedSlot));

    public void OnIdentifyRefused(IdentifyRefusalReason reason)
        => _refusals.Add(1, new TagList { { "reason", reason.ToString() } });

    public void OnIdentifyFailureReported() => _reportedIdentifyFailures.Add(1);

    public void OnRebalanced(int moves) => _rebalanceMoves.Add(moves);

    public void OnIdentifyFailed(int shardId, int consecutiveFailures, TimeSpan backoff)
        => _identifyFailures.Add(1, new KeyValuePair<string, object?>("backoff", backoff > TimeSpan.Zero));

    public void OnConnectionClosed(int shardId, int? closeCode)
        => _closes.Add(1, new KeyValuePair<string, object?>("code", CloseCodeTag(closeCode)));

    public void OnCommandAccepted() => _commandsAccepted.Add(1);

    /// <summary>A worker command was refused; tagged by the name of <paramref name="reason"/> (Commands/CommandRejectReason).</summary>
    public void OnCommandRejected<TReason>(TReason reason)
        where TReason : struct, Enum
        => _commandsRejected.Add(1, new TagList { { "reason", reason.ToString() } });

    /// <summary><paramref name="count"/> worker commands were dead-lettered; tagged by the name of <paramref name="reason"/>.</summary>
    public void OnCommandDeadLettered<TReason>(TReason reason, int count = 1)
        where TReason : struct, Enum
        => _commandsDeadLettered.Add(count, new TagList { { "reason", reason.ToString() } });

    // The protocol's ranges (WebSocket 1000–1015, Discord 4000–4099); anything else a gateway sends is "other".
    private static string CloseCodeTag(int? code) => code switch
    {
        null => "none",
        >= 1000 and <= 1015 or >= 4000 and <= 4099 => code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => OtherTag,
    };

    private IEnumerable<Measurement<double>> ObserveShards(Func<ShardGaugeReading, double?> value)
    {
        foreach (var status in _shards?.ReadGauges() ?? [])
        {
            if (value(status) is { } measured)
            {
                yield return new Measurement<double>(measured, new TagList { { "shard", status.ShardId }, { "total", status.ShardCount } });
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveShards(Func<ShardGaugeReading, long?> value)
    {
        foreach (var status in _shards?.ReadGauges() ?? [])
        {
            if (value(status) is { } measured)
            {
                yield return new Measurement<long>(measured, new TagList { { "shard", status.ShardId }, { "total", status.ShardCount } });
            }
        }
    }

    /// <summary>The supervisor reports each state a resharding run enters, by its name in <c>/status</c>.</summary>
    public void OnReshardState(string state) => _reshardState = state;

    private IEnumerable<Measurement<long>> ObserveReshardState()
    {
        if (_reshardState is { } state)
        {
            yield return new Measurement<long>(1, new KeyValuePair<string, object?>("state", state));
        }
    }

    private IEnumerable<Measurement<long>> ObserveStates()
    {
        foreach (var status in _shards?.ReadGauges() ?? [])
        {
            yield return new Measurement<long>(1, new TagList { { "shard", status.ShardId }, { "total", status.ShardCount }, { "state", status.State } });
        }
    }

    private IEnumerable<Measurement<long>> ObserveReconnects()
    {
        foreach (var status in _shards?.ReadGauges() ?? [])
        {
            foreach (var (cause, count) in status.Reconnects)
            {
                yield return new Measurement<long>(count, new TagList { { "shard", status.ShardId }, { "total", status.ShardCount }, { "cause", cause } });
            }
        }
    }

    private sealed record IdentifyBudgetSample(int Remaining, int WaitingShards);
}
