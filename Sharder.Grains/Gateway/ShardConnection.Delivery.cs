using System.Buffers;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>
/// The delivery loop: moves buffered events to the sink in order, in batches, retrying failures, never
/// skipping one.
/// </summary>
internal sealed partial class ShardConnection
{
    /// <summary>At most this many dispatches go to the sink in one call.</summary>
    internal const int MaxBatchEvents = 512;

    /// <summary>
    /// At most this many payload bytes go to the sink in one call; a single larger dispatch goes alone.
    /// </summary>
    internal const long MaxBatchBytes = 1024 * 1024;

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
    private async Task DeliverAsync(ConnectionScope scope)
    {
        var buffer = scope.SinkReader;
        ShardDispatch[]? batch = null;
        try
        {
            while (await buffer.WaitToReadAsync(_hardStop.Token).ConfigureAwait(false))
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
    private async Task AwaitDeliveriesAsync(ConnectionScope scope, Task deliveries)
    {
        await deliveries.ConfigureAwait(false);
        var dropped = scope.SinkReader.Count;
        if (dropped > 0 && scope.DropUndelivered)
        {
            GatewayLog.UndeliveredDropped(_logger, ShardId, dropped);
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
        var reader = scope.SinkReader;
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
                await _sink.DeliverAsync(batch.AsMemory(0, count), _hardStop.Token).ConfigureAwait(false);

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
                GatewayLog.SinkDeliveryFailed(_logger, ShardId, what, backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, _hardStop.Token).ConfigureAwait(false);
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
                await _sink.OnSessionStartedAsync(item.SessionStart!, _hardStop.Token).ConfigureAwait(false);
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
                GatewayLog.SinkDeliveryFailed(_logger, ShardId, "the session start", backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, _hardStop.Token).ConfigureAwait(false);
            }
        }
    }
}
