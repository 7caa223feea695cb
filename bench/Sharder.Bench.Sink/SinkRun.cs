using System.Diagnostics.Metrics;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Shards;
using Sharder.Grains.Sink;
using StackExchange.Redis;

namespace Sharder.Bench.Sink;

/// <summary>
/// Pushes a corpus through one <see cref="ShardEventSink"/> per shard, <c>batch</c> dispatches per call,
/// each shard awaiting its call before the next (as the delivery loop does), all shards at once on one
/// multiplexer. Measures wall time and bytes allocated by the whole process.
/// </summary>
internal static class SinkRun
{
    public static async Task<SinkResult> RunAsync(IConnectionMultiplexer redis, ShardDispatch[][] corpus, int batch, string prefix)
    {
        var publisher = new RedisEventPublisher(redis, new RedisOutputOptions { KeyPrefix = prefix });
        var instruments = new SharderInstruments(new BenchMeterFactory());
        var sinks = new ShardEventSink[corpus.Length];
        for (int shard = 0; shard < corpus.Length; shard++)
        {
            long epoch = await publisher.AcquireEpochAsync(shard);
            sinks[shard] = new ShardEventSink(shard, epoch, publisher, 0, () => { }, instruments);
            await sinks[shard].OnSessionStartedAsync(
                new SessionStart { ShardId = shard, SessionId = corpus[shard][0].SessionId, Resumed = false, StartId = "bench" }, CancellationToken.None);
        }

        // Every shard starts together; the measured window is from the first call to the last reply.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int gen0Before = GC.CollectionCount(0);
        long started = TimeProvider.System.GetTimestamp();
        var runs = new Task[corpus.Length];
        for (int shard = 0; shard < corpus.Length; shard++)
        {
            runs[shard] = PushAsync(sinks[shard], corpus[shard], batch);
        }

        await Task.WhenAll(runs);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        int gen0 = GC.CollectionCount(0) - gen0Before;

        long events = corpus.Sum(c => (long)c.Length);
        var database = redis.GetDatabase();
        long stored = await database.ListLengthAsync($"{prefix}:events");
        await database.KeyDeleteAsync($"{prefix}:events");
        return new SinkResult(corpus.Length, batch, events, stored, elapsed, allocated, gen0);
    }

    private static async Task PushAsync(ShardEventSink sink, ShardDispatch[] dispatches, int batch)
    {
        var memory = dispatches.AsMemory();
        for (int at = 0; at < memory.Length; at += batch)
        {
            await sink.DeliverAsync(memory.Slice(at, Math.Min(batch, memory.Length - at)), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private sealed class BenchMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
