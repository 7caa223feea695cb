using System.Buffers;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>
/// One shard's delivery: per connection, a loop that moves the buffered events to the sink in order, in
/// batches, retrying failures, never skipping one, and records in the <see cref="SessionLedger"/> what the
/// sink accepted. Holds no state of its own between connections.
/// </summary>
internal sealed class ShardDelivery
{
    /// <summary>At most this many dispatches go to the sink in one call.</summary>
    internal const int MaxBatchEvents = 512;

    /// <summary>
    /// At most this many payload bytes go to the sink in one call; a single larger dispatch goes alone.
    /// </summary>
    internal const long MaxBatchBytes = 1024 * 1024;

    /// <summary>First delay before retrying a sink call that threw.</summary>
    internal static readonly TimeSpan SinkRetryBaseDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Longest delay between two retries of a sink call: after a Redis outage events flow again within about
    /// this (the multiplexer reconnects within half of it). A retry while Redis is down costs one failed call.
    /// </summary>
    internal static readonly TimeSpan SinkRetryMaxDelay = TimeSpan.FromSeconds(1);

    private readonly int _shardId;
    private readonly IDispatchSink _sink;
    private readonly SessionLedger _ledger;
    private readonly CancellationToken _hardStop;
    private readonly Random _random;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="shardId">The shard, for the log.</param>
    /// <param name="sink">Receives the shard's events, in order.</param>
    /// <param name="ledger">Told what the sink accepted.</param>
    /// <param name="random">Retry jitter.</param>
    /// <param name="timeProvider">Retry delays.</param>
    /// <param name="logger">Gets the failed deliveries.</param>
    /// <param name="hardStop">The shard's hard stop: the only thing that abandons an event being delivered.</param>
    public ShardDelivery(
        int shardId, IDispatchSink sink, SessionLedger ledger, Random random, TimeProvider timeProvider, ILogger logger, CancellationToken hardStop)
    {
        _shardId = shardId;
        _sink = sink;
        _ledger = ledger;
        _hardStop = hardStop;
        _random = random;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Runs for one connection. Sink calls get the shard's hard-stop token, not the connection's: an event
    /// in flight when the connection ends is still delivered (retried until the sink takes it) before the
    /// shard reconnects, which is what "wait until the sink accepts again" means after a stall.
    /// </summary>
    /// <remarks>
    /// A batch is whatever is buffered when the loop comes round, never more than
    /// <see cref="MaxBatchEvents"/> or <see cref="MaxBatchBytes"/>: the loop never waits for a batch to
    /// fill, so at low rates every event goes alone and at once, and under load the next batch builds up
    /// in the buffer while one is in flight. A session start ends a batch and goes alone.
    /// </remarks>
    public async Task RunAsync(ConnectionScope scope)
    {
        var buffer = scope.SinkBuffer;
        ShardDispatch[]? batch = null;
        try
        {
            while (await buffer.WaitToReadAsync(_hardStop).ConfigureAwait(false))
            {
                while (!scope.DropUndelivered && scope.TryTakeBuffered(out var item))
                {
                    if (item.SessionStart is not null)
                    {
                        await DeliverSessionStartWithRetryAsync(item).ConfigureAwait(false);
                        continue;
                    }

                    // Rented per burst and returned once the buffer is empty: an idle shard holds no batch array.
                    batch ??= ArrayPool<ShardDispatch>.Shared.Rent(MaxBatchEvents);
                    int count = TakeBatch(scope, item, batch);
                    try
                    {
                        await DeliverBatchWithRetryAsync(batch, count, item.Generation).ConfigureAwait(false);
                    }
                    finally
                    {
                        Array.Clear(batch, 0, count); // the payloads belong to the sink now, not to the pooled array
                    }
                }

                if (batch is not null)
                {
                    ArrayPool<ShardDispatch>.Shared.Return(batch);
                    batch = null;
                }

                if (scope.DropUndelivered)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            // Abandoned by a cancelled stop: undelivered events stay undelivered (and unacknowledged).
        }
        finally
        {
            if (batch is not null)
            {
                ArrayPool<ShardDispatch>.Shared.Return(batch);
            }
        }
    }

    /// <summary>Waits for the delivery loop ended by <see cref="ConnectionScope.EndDeliveries"/>.</summary>
    public async Task AwaitAsync(ConnectionScope scope, Task deliveries)
    {
        await deliveries.ConfigureAwait(false);
        var dropped = scope.SinkBuffer.Count;
        if (dropped > 0 && scope.DropUndelivered)
        {
            GatewayLog.UndeliveredDropped(_logger, _shardId, dropped);
        }
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with <paramref name="first"/> and the dispatches buffered behind it,
    /// up to the first session start, another session or generation, or the bounds. Returns the count.
    /// </summary>
    private static int TakeBatch(ConnectionScope scope, SinkItem first, ShardDispatch[] batch)
    {
        batch[0] = first.Dispatch;
        int count = 1;
        long bytes = first.Bytes;
        var reader = scope.SinkBuffer;
        while (count < batch.Length && count < MaxBatchEvents && !scope.DropUndelivered && reader.TryPeek(out var next))
        {
            if (next.SessionStart is not null
                || next.Generation != first.Generation
                || !string.Equals(next.Dispatch.SessionId, first.Dispatch.SessionId, StringComparison.Ordinal)
                || bytes + next.Bytes > MaxBatchBytes
                || !scope.TryTakeBuffered(out next))
            {
                break;
            }

            batch[count++] = next.Dispatch;
            bytes += next.Bytes;
        }

        return count;
    }

    private async Task DeliverBatchWithRetryAsync(ShardDispatch[] batch, int count, long generation)
    {
        ReconnectBackoff? backoff = null;
        while (true)
        {
            try
            {
                await _sink.DeliverAsync(batch.AsMemory(0, count), _hardStop).ConfigureAwait(false);

                // The batch is in order: its last sequence is how far the session is delivered.
                _ledger.RecordDelivered(new SinkItem(batch[count - 1], generation));
                return;
            }
            catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The sink is arbitrary code: whatever it throws, the batch is retried, never dropped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                backoff ??= new ReconnectBackoff(SinkRetryBaseDelay, SinkRetryMaxDelay, BackoffJitter.Equal, _random);
                var delay = backoff.NextDelay();
                var what = count == 1
                    ? $"event {batch[0].Sequence}"
                    : $"events {batch[0].Sequence}..{batch[count - 1].Sequence} ({count})";
                GatewayLog.SinkDeliveryFailed(_logger, _shardId, what, backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, _hardStop).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverSessionStartWithRetryAsync(SinkItem item)
    {
        ReconnectBackoff? backoff = null;
        while (true)
        {
            try
            {
                await _sink.OnSessionStartedAsync(item.SessionStart!, _hardStop).ConfigureAwait(false);
                _ledger.RecordDelivered(item);
                return;
            }
            catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The sink is arbitrary code: whatever it throws, the session start is retried, never dropped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                backoff ??= new ReconnectBackoff(SinkRetryBaseDelay, SinkRetryMaxDelay, BackoffJitter.Equal, _random);
                var delay = backoff.NextDelay();
                GatewayLog.SinkDeliveryFailed(_logger, _shardId, "the session start", backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, _hardStop).ConfigureAwait(false);
            }
        }
    }
}
