using System.Buffers;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Gateway;

/// <summary>Heartbeats: the first after interval × jitter, then one per interval, each checked for a missed ACK.</summary>
internal sealed partial class ShardConnection
{
    private async Task RunHeartbeatAsync(ConnectionScope scope, TimeSpan interval)
    {
        try
        {
            var started = _timeProvider.GetTimestamp();
            var due = interval * _random.NextDouble();
            while (true)
            {
                // Deadlines count from Hello, so a slow send does not push every later beat back.
                var wait = due - _timeProvider.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, scope.Lifetime).ConfigureAwait(false);
                }

                if (scope.Heartbeat.IsZombie())
                {
                    GatewayLog.ZombieConnection(_logger, ShardId);
                    scope.Disconnect(new DisconnectReason(
                        CloseInitiator.Client, ResumableCloseCode, ReconnectCause.ZombieConnection, "no heartbeat ACK since the last heartbeat"));
                    return;
                }

                await SendHeartbeatAsync(scope, scheduled: true).ConfigureAwait(false);
                due += interval;
            }
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            // The connection is ending.
        }
        catch (GatewayTransportException ex)
        {
            scope.Disconnect(DisconnectReason.TransportFailed(ex));
        }
    }

    /// <summary>Answers a heartbeat request (op 1) at once, outside the schedule.</summary>
    private async Task SendRequestedHeartbeatAsync(ConnectionScope scope)
    {
        try
        {
            await SendHeartbeatAsync(scope, scheduled: false).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            // The connection is ending.
        }
        catch (GatewayTransportException ex)
        {
            scope.Disconnect(DisconnectReason.TransportFailed(ex));
        }
    }

    /// <summary>Sends op 1 with the last sequence received; heartbeats bypass the command limiter but are counted by it.</summary>
    private async Task SendHeartbeatAsync(ConnectionScope scope, bool scheduled)
    {
        var sequence = _ledger.LastReceived;
        var payload = new ArrayBufferWriter<byte>(32);
        GatewayPayloads.WriteHeartbeat(payload, sequence == SessionLedger.NoSequence ? null : sequence);

        // Recorded before sending, so an ACK that arrives at once is never taken for the previous beat's.
        scope.Heartbeat.OnHeartbeatSent(scheduled);
        scope.RateLimiter?.RecordPriority();
        await scope.SendAsync(payload.WrittenMemory).ConfigureAwait(false);
    }
}
