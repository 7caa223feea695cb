using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sharder.Grains.Commands;
using Sharder.Grains.Coordination;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Diagnostics;

/// <summary>
/// Sharder's one meter ("Sharder", created through <see cref="IMeterFactory"/>, which owns and disposes it)
/// and its instruments; callers report through the <c>On...</c> methods.
/// </summary>
internal sealed class SharderInstruments : IGatewayMetrics
{
    /// <summary>The meter name to enable in OpenTelemetry.</summary>
    public const string MeterName = "Sharder";

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

    public SharderInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _activations = meter.CreateCounter<long>(InstrumentNames.ShardActivations, description: "Shard activations, by how they started.");
        _handoffs = meter.CreateCounter<long>(InstrumentNames.ShardHandoffs, description: "Shard sessions handed to another activation.");
        _handoffGap = meter.CreateHistogram<double>(InstrumentNames.ShardHandoffGap, unit: "ms", description: "From the old activation stopping to the new one starting.");
        _fenced = meter.CreateCounter<long>(InstrumentNames.ShardsFenced, description: "Activations refused by Redis because a newer one owns the shard.");
        _hosted = meter.CreateUpDownCounter<long>(InstrumentNames.ShardsHosted, description: "Shards running in this silo.");
        _published = meter.CreateCounter<long>(InstrumentNames.SinkEventsPublished, description: "Events pushed to Redis.");
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
        _rebalanceMoves = meter.CreateCounter<long>(InstrumentNames.RebalanceMoves, description: "Shards moved by rebalancing.");
        _identifyFailures = meter.CreateCounter<long>(
            InstrumentNames.GatewayIdentifyFailures, description: "Identifies that ended without READY; backoff: the shard now waits before identifying again.");
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
        _handoffGap.Record(gap.TotalMilliseconds);
    }

    public void OnShardFenced() => _fenced.Add(1);

    public void OnEventPublished() => _published.Add(1);

    /// <summary>A batch of <paramref name="count"/> events went through the sink.</summary>
    public void OnEventsPublished(int count) => _published.Add(count);

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

    public void OnCommandAccepted() => _commandsAccepted.Add(1);

    public void OnCommandRejected(CommandRejectReason reason)
        => _commandsRejected.Add(1, new TagList { { "reason", reason.ToString() } });

    public void OnCommandDeadLettered(CommandRejectReason reason, int count = 1)
        => _commandsDeadLettered.Add(count, new TagList { { "reason", reason.ToString() } });
}
