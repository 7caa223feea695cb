using Sharder.Grains.Gateway.RateLimiting;

namespace Sharder.Grains.Gateway;

/// <summary>The delivery loop: moves buffered events to the sink in order, retrying failures, never skipping one.</summary>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// Runs for one connection. Sink calls get the shard's hard-stop token, not the connection's: an event
    /// in flight when the connection ends is still delivered (retried until the sink takes it) before the
    /// shard reconnects, which is what "wait until the sink accepts again" means after a stall.
    /// </summary>
    private async Task DeliverAsync(ConnectionScope scope)
    {
        var buffer = scope.SinkReader;
        try
        {
            while (await buffer.WaitToReadAsync(_hardStop.Token).ConfigureAwait(false))
            {
                while (!scope.DropUndelivered && scope.TryTakeBuffered(out var item))
                {
                    await DeliverWithRetryAsync(item).ConfigureAwait(false);
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

    private async Task DeliverWithRetryAsync(SinkItem item)
    {
        ReconnectBackoff? backoff = null;
        while (true)
        {
            try
            {
                if (item.SessionStart is { } start)
                {
                    await _sink.OnSessionStartedAsync(start, _hardStop.Token).ConfigureAwait(false);
                }
                else
                {
                    await _sink.DeliverAsync(item.Dispatch, _hardStop.Token).ConfigureAwait(false);
                }

                RecordDelivered(item);
                return;
            }
            catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The sink is arbitrary code: whatever it throws, the event is retried, never dropped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                backoff ??= new ReconnectBackoff(SinkRetryBaseDelay, SinkRetryMaxDelay, BackoffJitter.Equal, _random);
                var delay = backoff.NextDelay();
                var what = item.SessionStart is null ? $"event {item.Dispatch.Sequence}" : "the session start";
                GatewayLog.SinkDeliveryFailed(_logger, ShardId, what, backoff.Attempt, delay, ex);
                await Task.Delay(delay, _timeProvider, _hardStop.Token).ConfigureAwait(false);
            }
        }
    }
}
