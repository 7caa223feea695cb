using System.Diagnostics;
using Sharder.Grains.Sink;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Measures push throughput (printed) while checking every event arrived once.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RedisEventPublisherThroughputTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int EventsPerRun = 3_000;

    // About the size of a MESSAGE_CREATE d.
    private static readonly string _data = "{\"guild_id\":\"41771983423143937\",\"content\":\"" + new string('x', 400) + "\"}";

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task OneShard_SequentialBatches(int batchSize)
    {
        var prefix = TestRedis.UniquePrefix($"throughput{batchSize}-");
        await using var connection = await TestRedis.ConnectAsync(redis.ConnectionString);
        var publisher = new RedisEventPublisher(connection, new RedisOutputOptions { KeyPrefix = prefix });
        long epoch = await publisher.AcquireEpochAsync(0);
        var batches = Enumerable.Range(0, EventsPerRun / batchSize)
            .Select(b => Enumerable.Range(1 + (b * batchSize), batchSize)
                .Select(s => TestEvents.Dispatch("s1", s, "MESSAGE_CREATE", 41771983423143937, _data)).ToList())
            .ToList();
        await publisher.PublishAsync(0, epoch, "s1", null, batches[0]); // warm-up: loads the script

        var clock = Stopwatch.StartNew();
        for (int b = 1; b < batches.Count; b++)
        {
            await publisher.PublishAsync(0, epoch, "s1", null, batches[b]);
        }

        clock.Stop();
        int measured = EventsPerRun - batchSize;
        output.WriteLine(
            $"batch {batchSize,3}: {measured} events in {clock.Elapsed.TotalMilliseconds:F0} ms = {measured / clock.Elapsed.TotalSeconds:F0} events/s, "
            + $"{clock.Elapsed.TotalMilliseconds * 1000 / (batches.Count - 1):F0} µs per batch");
        Assert.Equal(EventsPerRun, await connection.GetDatabase().ListLengthAsync($"{prefix}:events"));
        Assert.Equal(EventsPerRun, (await publisher.ReadCheckpointAsync(0))!.Session.Sequence);
    }
}
