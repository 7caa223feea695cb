using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using Sharder.TestKit;

namespace Sharder.IntegrationTests.Sink;

/// <summary>
/// One shard's <see cref="ShardEventSink"/> fed by hand-made session starts and dispatches, the way the
/// shard connection feeds it, with the connection's retry-until-accepted delivery.
/// </summary>
internal sealed class SinkHarness : IDisposable
{
    private static readonly TimeSpan _deliveryTimeout = TimeSpan.FromSeconds(20);

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Tag)> _measurements = new();

    private SinkHarness(int shardId, ShardEventSink sink, DeliveryProblemBoard board, Meter meter)
    {
        ShardId = shardId;
        Sink = sink;
        Board = board;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tag = null;
            foreach (var pair in tags)
            {
                tag = $"{pair.Key}={pair.Value}";
            }

            _measurements.Enqueue((instrument.Name, value, tag));
        });
        _listener.Start();
    }

    public int ShardId { get; }

    public ShardEventSink Sink { get; }

    public DeliveryProblemBoard Board { get; }

    public void Dispose() => _listener.Dispose();

    /// <summary>Every measurement of the sink's instruments so far (observable ones read now), as (instrument, value, tag).</summary>
    public IReadOnlyList<(string Instrument, long Value, string? Tag)> Measurements()
    {
        _listener.RecordObservableInstruments();
        return [.. _measurements];
    }

    public static async Task<SinkHarness> StartAsync(RedisEventPublisher publisher, int shardId, TimeProvider? clock = null)
    {
        long epoch = await publisher.AcquireEpochAsync(shardId);
        var board = new DeliveryProblemBoard();
        var meters = new TestMeterFactory();
        var sink = new ShardEventSink(shardId, epoch, publisher, 0, () => { }, new SharderInstruments(meters), board, clock);
        return new SinkHarness(shardId, sink, board, meters.Created!);
    }

    public static ShardDispatch Dispatch(string sessionId, long sequence, string eventType = "MESSAGE_CREATE")
    {
        var head = $"{{\"t\":\"{eventType}\",\"s\":{sequence},\"op\":0,\"d\":";
        var data = $"{{\"content\":\"message {sequence}\"}}";
        var frame = Encoding.UTF8.GetBytes(head + data + "}");
        int dataStart = Encoding.UTF8.GetByteCount(head);
        return new ShardDispatch(sessionId, sequence, eventType, null, frame, dataStart..(dataStart + Encoding.UTF8.GetByteCount(data)));
    }

    /// <summary>A new session from READY (an Identify), with its own start id.</summary>
    public Task IdentifiedAsync(string sessionId, string startId)
        => Sink.OnSessionStartedAsync(
            new SessionStart { ShardId = ShardId, SessionId = sessionId, Resumed = false, StartId = startId }, CancellationToken.None).AsTask();

    /// <summary>Delivers the sequences in order; each is retried until the sink takes it, as the shard connection does.</summary>
    public async Task DeliverAsync(string sessionId, long first, long last)
    {
        for (long sequence = first; sequence <= last; sequence++)
        {
            ShardDispatch[] dispatch = [Dispatch(sessionId, sequence)];
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        await Sink.DeliverAsync(dispatch, CancellationToken.None);
                        return true;
                    }
                    catch (RedisUnavailableException)
                    {
                        return false;
                    }
                },
                _deliveryTimeout,
                $"event {sequence} of {sessionId} reaches Redis");
        }
    }

    /// <summary>Delivers the sequences as one batch, as the shard connection does with what it buffered.</summary>
    /// <param name="eventType">The type of each event by sequence; MESSAGE_CREATE when null.</param>
    public Task DeliverBatchAsync(string sessionId, long first, long last, Func<long, string>? eventType = null)
    {
        var batch = new ShardDispatch[last - first + 1];
        for (long sequence = first; sequence <= last; sequence++)
        {
            batch[sequence - first] = Dispatch(sessionId, sequence, eventType?.Invoke(sequence) ?? "MESSAGE_CREATE");
        }

        return Sink.DeliverAsync(batch.AsMemory(), CancellationToken.None).AsTask();
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter? Created { get; private set; }

        public Meter Create(MeterOptions options) => Created = new(options);

        public void Dispose()
        {
        }
    }
}
