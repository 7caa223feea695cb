using System.Buffers;
using System.Threading.Channels;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Commands;

namespace Sharder.Grains.Gateway;

/// <summary>Outbound traffic: Identify/Resume, and user commands through the <see cref="CommandQueue"/> and the rate limiter.</summary>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// Queues a command without waiting: the sender sends it on the current or next active session within
    /// the rate limit, in queue order. Never blocks; a full queue or a stopped shard is reported, not awaited.
    /// A queued command is either sent once or, if the shard stops first, returned by <see cref="TakeUnsentCommands"/>.
    /// </summary>
    /// <param name="payload">A whole, already validated gateway payload; copied before this returns.</param>
    public CommandEnqueueResult TryEnqueue(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > _options.MaxCommandBytes)
        {
            return CommandEnqueueResult.Invalid;
        }

        if (_commands.TryWrite(new OutboundCommand(payload.ToArray(), awaited: false)))
        {
            return CommandEnqueueResult.Enqueued;
        }

        lock (_lock)
        {
            if (_fatalError is not null)
            {
                return CommandEnqueueResult.FatallyClosed;
            }

            // A completed writer means the run ended (or is ending); otherwise the queue is full.
            return _stopMode is not null || _state == GatewayState.Stopped || _commands.IsClosed
                ? CommandEnqueueResult.Stopped
                : CommandEnqueueResult.QueueFull;
        }
    }

    /// <summary>
    /// The commands queued by <see cref="TryEnqueue"/> that were never handed to the socket, oldest first,
    /// once the shard has stopped (<see cref="Completion"/>); empty before that and on later calls.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TakeUnsentCommands() => _commands.TakeUnsent();

    /// <summary>
    /// Sends a command (presence update, request guild members...) on the current session, waiting for
    /// the rate limiter; while disconnected it waits for the next session. Completes once it was sent.
    /// </summary>
    /// <param name="payload">A whole gateway payload, e.g. <c>{"op":3,"d":{…}}</c>; copied before this returns.</param>
    /// <param name="cancellationToken">Stops waiting; a command already handed to the socket may still go out.</param>
    /// <exception cref="GatewayCommandTooLargeException">The payload is over <see cref="GatewayOptions.MaxCommandBytes"/>.</exception>
    /// <exception cref="InvalidOperationException">The shard is stopped.</exception>
    /// <exception cref="GatewayFatalCloseException">The shard was closed fatally before the command went out.</exception>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxCommandBytes)
        {
            throw new GatewayCommandTooLargeException(payload.Length, _options.MaxCommandBytes);
        }

        if (payload.IsEmpty)
        {
            throw new ArgumentException("A gateway command cannot be empty.", nameof(payload));
        }

        var command = new OutboundCommand(payload.ToArray(), awaited: true);
        try
        {
            await _commands.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw FatalError as Exception ?? new InvalidOperationException($"Shard {ShardId} is stopped; it sends no more commands.");
        }

        try
        {
            await command.Sent.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            command.Abandon();
            throw;
        }
    }

    /// <summary>Sends Resume at once, or Identify once the identify gate allows it.</summary>
    private async Task AuthenticateAsync(ConnectionScope scope)
    {
        var payload = new ArrayBufferWriter<byte>(512);
        try
        {
            if (scope.Plan.Resume is { } resume)
            {
                SetState(GatewayState.Resuming);
                GatewayPayloads.WriteResume(payload, _token.Reveal(), resume.SessionId, resume.Sequence);
                GatewayLog.Resuming(_logger, ShardId, resume.SessionId, resume.Sequence);
                scope.RateLimiter!.RecordPriority();
                await scope.SendAsync(payload.WrittenMemory).ConfigureAwait(false);
            }
            else
            {
                SetState(GatewayState.Identifying);
                await IdentifyAsync(scope, payload).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            // The connection ended while waiting for the gate or the socket.
        }
        catch (GatewayTransportException ex)
        {
            scope.Disconnect(DisconnectReason.TransportFailed(ex));
        }
        finally
        {
            // Do not leave the token lying in a buffer until the next GC.
            payload.Clear();
        }
    }

    /// <summary>
    /// Sends Identify at the slot of the permit the connection holds (taken before the socket opened) and no
    /// later than its <see cref="IdentifyPermit.UseBy"/>. A permit that runs out before the Identify gets its
    /// turn on the socket (a slow connect or Hello, a starved thread pool) is handed back and a new one asked
    /// for on this socket: sent late, it would crowd the next slot on its key, and Discord answers that with op 9.
    /// </summary>
    private async Task IdentifyAsync(ConnectionScope scope, ArrayBufferWriter<byte> payload)
    {
        IdentifyPermit? missed = null;
        while (true)
        {
            var permit = scope.HeldPermit
                ?? await _identifyGate.AcquireAsync(ShardId, missed, _options.IdentifyConnectLead, scope.Lifetime).ConfigureAwait(false);
            scope.HeldPermit = permit;
            scope.Lifetime.ThrowIfCancellationRequested();

            // The socket may have opened ahead of the slot (the connect lead); the Identify never does.
            var untilSlot = permit.SlotAt - _timeProvider.GetUtcNow();
            if (untilSlot > TimeSpan.Zero)
            {
                await Task.Delay(untilSlot, _timeProvider, scope.Lifetime).ConfigureAwait(false);
            }

            payload.Clear();
            GatewayPayloads.WriteIdentify(payload, new IdentifyCommand
            {
                Token = _token.Reveal(),
                Intents = _options.Intents,
                ShardId = ShardId,
                ShardCount = ShardCount,
                LargeThreshold = _options.LargeThreshold,
                PresenceJson = _identifyPresence,
            });
            // Counted before the send like every priority send, so no command can take its place meanwhile;
            // a permit missed below leaves one send counted that never happened, which only errs on the safe side.
            scope.RateLimiter!.RecordPriority();

            // From here the Identify may reach the wire (a send that fails half way may have), so the permit
            // is no longer handed back when the connection ends; a permit found expired is, below.
            scope.HeldPermit = null;
            if (await scope.SendByAsync(payload.WrittenMemory, permit.UseBy).ConfigureAwait(false))
            {
                var sentAfterSlotMs = Math.Round((_timeProvider.GetUtcNow() - permit.SlotAt).TotalMilliseconds, 1);
                _counters.OnIdentified();

                scope.SentIdentify = permit;

                GatewayLog.Identifying(_logger, ShardId, ShardCount, permit.RateLimitKey, sentAfterSlotMs);
                return;
            }

            GatewayLog.IdentifyPermitMissed(_logger, ShardId, _timeProvider.GetUtcNow() - permit.SlotAt, permit.SlotAt);
            missed = permit;
        }
    }

    /// <summary>Drains the command queue on an active session, one command per rate-limiter permit.</summary>
    private async Task RunSenderAsync(ConnectionScope scope)
    {
        try
        {
            while (await _commands.TakeAsync(scope.Lifetime).ConfigureAwait(false) is { } command)
            {
                if (command.IsAbandoned)
                {
                    _commands.Release();
                    continue;
                }

                await scope.RateLimiter!.WaitAsync(scope.Lifetime).ConfigureAwait(false);
                if (!command.TryBeginSend())
                {
                    _commands.Release();
                    continue;
                }

                try
                {
                    await scope.SendAsync(command.Payload).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Not handed to the socket: keep it for the next session.
                    command.ReturnToQueue();
                    throw;
                }
                catch (GatewayTransportException ex)
                {
                    // It may be on the wire: never kept for a retry (sent at most once).
                    _commands.Release();
                    command.Fail(ex);
                    throw;
                }

                _commands.Release();
                command.Complete();
            }
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            // The connection is ending; queued commands wait for the next session.
        }
        catch (GatewayTransportException ex)
        {
            scope.Disconnect(DisconnectReason.TransportFailed(ex));
        }
    }
}
