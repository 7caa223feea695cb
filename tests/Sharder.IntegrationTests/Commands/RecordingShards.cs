using Sharder.Grains.Commands;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Sharder.Grains.Gateway;

namespace Sharder.IntegrationTests.Commands;

/// <summary>
/// Stands in for the hosted shards' outbound queues: records every hand-off attempt and lets a test decide,
/// per attempt, what the shard answers.
/// </summary>
internal sealed class RecordingShards
{
    private readonly Channel<Delivery> _attempts = Channel.CreateUnbounded<Delivery>();
    private readonly Channel<Delivery> _delivered = Channel.CreateUnbounded<Delivery>();
    private int _attemptCount;

    /// <summary>Runs for every attempt; its answer is the shard's. Default: take everything.</summary>
    public Func<Delivery, CommandEnqueueResult> Behaviour { get; set; } = _ => CommandEnqueueResult.Enqueued;

    public int AttemptCount => Volatile.Read(ref _attemptCount);

    public CommandEnqueueResult Enqueue(int shardId, ReadOnlyMemory<byte> payload)
    {
        var delivery = new Delivery(shardId, payload.ToArray(), Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _attemptCount);
        _attempts.Writer.TryWrite(delivery);
        var result = Behaviour(delivery);
        if (result == CommandEnqueueResult.Enqueued)
        {
            _delivered.Writer.TryWrite(delivery);
        }

        return result;
    }

    /// <summary>The next successful delivery, or a <see cref="TimeoutException"/> naming what was awaited.</summary>
    public Task<Delivery> NextDeliveredAsync(TimeSpan timeout, string because) => NextAsync(_delivered, timeout, because);

    /// <summary>The next attempt, successful or not.</summary>
    public Task<Delivery> NextAttemptAsync(TimeSpan timeout, string because) => NextAsync(_attempts, timeout, because);

    /// <summary>Deliveries that already succeeded and were not read yet.</summary>
    public List<Delivery> DrainDelivered()
    {
        var drained = new List<Delivery>();
        while (_delivered.Reader.TryRead(out var delivery))
        {
            drained.Add(delivery);
        }

        return drained;
    }

    private static async Task<Delivery> NextAsync(Channel<Delivery> channel, TimeSpan timeout, string because)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await channel.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalMilliseconds:F0} ms waiting until {because}.");
        }
    }

    internal sealed record Delivery(int ShardId, byte[] Payload, long Timestamp)
    {
        public string Text => Encoding.UTF8.GetString(Payload);
    }
}
