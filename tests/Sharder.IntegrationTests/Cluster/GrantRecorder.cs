using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sharder.Grains.Diagnostics;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Notes when the in-process coordinators grant an identify slot, from the <c>sharder.coordinator.identify.grants</c>
/// counter (the grant call's answer, not the Identify that follows at the slot).
/// </summary>
internal sealed class GrantRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<long> _grants = new();
    private int _replacingMissed;

    public GrantRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SharderInstruments.MeterName && instrument.Name == InstrumentNames.IdentifyGrants)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "replaces_missed", Value: true })
                {
                    Interlocked.Add(ref _replacingMissed, (int)value);
                }
            }

            for (var i = 0; i < value; i++)
            {
                _grants.Enqueue(Stopwatch.GetTimestamp());
            }
        });
        _listener.Start();
    }

    /// <summary>Grant times (<see cref="Stopwatch"/> timestamps) in the order they were counted.</summary>
    public IReadOnlyList<long> Grants => [.. _grants];

    /// <summary>Grants of a new slot to a shard that woke too late for its previous one (not charged again).</summary>
    public int ReplacingMissed => Volatile.Read(ref _replacingMissed);

    public void Dispose() => _listener.Dispose();
}
