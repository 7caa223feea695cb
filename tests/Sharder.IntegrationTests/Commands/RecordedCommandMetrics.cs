using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sharder.Grains.Diagnostics;

namespace Sharder.IntegrationTests.Commands;

/// <summary>A <see cref="SharderInstruments"/> on a meter of its own, with every command counter it reports summed by name and reason.</summary>
internal sealed class RecordedCommandMetrics : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly MeterListener _listener = new();

    public RecordedCommandMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = ":" + tag.Value;
                }
            }

            _totals.AddOrUpdate(instrument.Name + reason, value, (_, total) => total + value);
        });
        _listener.Start();
        Instruments = new SharderInstruments(this);
    }

    public SharderInstruments Instruments { get; }

    /// <summary>The sum of <paramref name="name"/>, with <c>:reason</c> appended for a tagged count.</summary>
    public long Total(string name) => _totals.GetValueOrDefault(name);

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
