using System.Buffers;
using System.Threading.Channels;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Gateway;

/// <summary>Outbound traffic: Identify/Resume, and user commands through the queue and the rate limiter.</summary>
internal sealed partial class ShardConnection
{
    // Only the sender of the current connection touches it: the command it took but could not send yet.
    private OutboundCommand? _heldCommand;

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

        var command = new OutboundCommand(payload.ToArray());
        try
        {
            await _outbound.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
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
    /// Sends Identify within a permit of the identify gate. A permit that runs out before the Identify gets its
    /// turn on the socket is handed back and a new one asked for: sent late, it would crowd the next slot on
    /// its key, and Discord answers that with op 9.
    /// </summary>
    private async Task IdentifyAsync(ConnectionScope scope, ArrayBufferWriter<byte> payload)
    {
        IdentifyPermit? missed = null;
        while (true)
        {
            var permit = await _identifyGate.AcquireAsync(ShardId, missed, scope.Lifetime).ConfigureAwait(false);
            scope.Lifetime.ThrowIfCancellationRequested();
            payload.Clear();
            GatewayPayloads.WriteIdentify(payload, new IdentifyCommand
            {
                Token = _token.Reveal(),
                Intents = _options.Intents,
                ShardId = ShardId,
                ShardCount = ShardCount,
                LargeThreshold = _options.LargeThreshold,
            });
            // Counted before the send like every priority send, so no command can take its place meanwhile;
            // a permit missed below leaves one send counted that never happened, which only errs on the safe side.
            scope.RateLimiter!.RecordPriority();
            if (await scope.SendByAsync(payload.WrittenMemory, permit.UseBy).ConfigureAwait(false))
            {
                lock (_lock)
                {
                    _identifies++;
                }

                scope.SentIdentify = permit;

                GatewayLog.Identifying(_logger, ShardId, ShardCount, permit.RateLimitKey);
                return;
            }

            GatewayLog.IdentifyPermitMissed(_logger, ShardId, _timeProvider.GetUtcNow() - permit.SlotAt, permit.SlotAt);
            missed = permit;
        }
    }

    /// <summary>Drains the command queue on an active session, one command per rate-limiter permit.</summary>
    private async Task RunSenderAsync(ConnectionScope scope)
    {
        var queue = _outbound.Reader;
        try
        {
            while (true)
            {
                var command = _heldCommand;
                if (command is null)
                {
                    if (!await queue.WaitToReadAsync(scope.Lifetime).ConfigureAwait(false))
                    {
                        return;
                    }

                    if (!queue.TryRead(out command))
                    {
                        continue;
                    }

                    _heldCommand = command;
                }

                if (command.IsAbandoned)
                {
                    _heldCommand = null;
                    continue;
                }

                await scope.RateLimiter!.WaitAsync(scope.Lifetime).ConfigureAwait(false);
                if (!command.TryBeginSend())
                {
                    _heldCommand = null;
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
                    _heldCommand = null;
                    command.Fail(ex);
                    throw;
                }

                _heldCommand = null;
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

    private void FailPendingCommands(Exception error)
    {
        _outbound.Writer.TryComplete();
        _heldCommand?.Fail(error);
        _heldCommand = null;
        while (_outbound.Reader.TryRead(out var command))
        {
            command.Fail(error);
        }
    }
}
