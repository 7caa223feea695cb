using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sharder.Grains.Commands;
using Sharder.Grains.Coordination;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Diagnostics;

/// <summary>
/// Sharder's one meter ("Sharder", created through <see cref="IMeterFactory"/>, which owns and disposes it)
/// and its instruments; callers report through the <c>On...</c> methods.
/// </summary>
internal sealed class SharderInstruments
{
    /// <summary>The meter name to enable in OpenTelemetry.</summary>
    public const string MeterName = "Sharder";

    private readonly Counter<long> _activations;
    private readonly Counter<long> _handoffs;
    private readonly Histogram<double> _handoffGap;
    private readonly Counter<long> _fenced;
    private readonly UpDownCounter<long> _hosted;
    private readonly Counter<long> _published;
    private readonly Counter<long> _grants;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _rebalanceMoves;
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
        _grants = meter.CreateCounter<long>(
            InstrumentNames.IdentifyGrants, description: "Identify slots granted; replaces_missed: the slot replaces one the shard could not use in time (not charged again).");
        _refusals = meter.CreateCounter<long>(InstrumentNames.IdentifyRefusals, description: "Identify requests refused, by reason.");
        _rebalanceMoves = meter.CreateCounter<long>(InstrumentNames.RebalanceMoves, description: "Shards moved by rebalancing.");
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

    public void OnIdentifyGranted(bool replacesMissedSlot)
        => _grants.Add(1, new KeyValuePair<string, object?>("replaces_missed", replacesMissedSlot));

    public void OnIdentifyRefused(IdentifyRefusalReason reason)
        => _refusals.Add(1, new TagList { { "reason", reason.ToString() } });

    public void OnRebalanced(int moves) => _rebalanceMoves.Add(moves);

    public void OnCommandAccepted() => _commandsAccepted.Add(1);

    public void OnCommandRejected(CommandRejectReason reason)
        => _commandsRejected.Add(1, new TagList { { "reason", reason.ToString() } });

    public void OnCommandDeadLettered(CommandRejectReason reason, int count = 1)
        => _commandsDeadLettered.Add(count, new TagList { { "reason", reason.ToString() } });
}
