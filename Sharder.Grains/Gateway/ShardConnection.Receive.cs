using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>The read loop: receive, decompress, peek, and act on each gateway message.</summary>
internal sealed partial class ShardConnection
{
    /// <summary>
    /// Largest WebSocket message accepted before decompression: the decompressed cap plus deflate's
    /// worst-case overhead, so even an uncompressible message that fits the cap gets through.
    /// </summary>
    private long MaxRawMessageBytes => _options.MaxDecompressedMessageBytes + (_options.MaxDecompressedMessageBytes / 1024L) + 64;

    /// <summary>
    /// Reads until the connection ends. Once it is ending (our close frame sent), messages are read and
    /// discarded until the gateway answers the close or the close deadline aborts the socket.
    /// </summary>
    private async Task ReadLoopAsync(ConnectionScope scope)
    {
        var raw = scope.RawBuffer;
        try
        {
            while (true)
            {
                raw.Clear();
                var discard = false;
                TransportReceiveResult result;
                do
                {
                    if (discard || scope.IsDisconnecting)
                    {
                        raw.Clear();
                    }

                    result = await scope.Transport.ReceiveAsync(raw, scope.IoToken).ConfigureAwait(false);
                    if (!discard && raw.WrittenCount > MaxRawMessageBytes)
                    {
                        discard = true;
                        RejectMalformed(scope, raw.WrittenCount, $"larger than {MaxRawMessageBytes} bytes");
                    }
                }
                while (!result.EndOfMessage && result.MessageType != TransportMessageType.Close);

                if (result.MessageType == TransportMessageType.Close)
                {
                    scope.Disconnect(DisconnectReason.GatewayClosed(result.CloseCode, result.CloseReason));
                    return;
                }

                if (!discard && !scope.IsDisconnecting)
                {
                    await HandleMessageAsync(scope).ConfigureAwait(false);
                }

                // Handled (dispatches are copied out): give both arrays back, so a connection that waits for
                // its next message holds none. The transport only asks for memory once bytes have arrived.
                raw.Release();
                scope.JsonBuffer.Release();
            }
        }
        catch (OperationCanceledException) when (scope.IoToken.IsCancellationRequested)
        {
            scope.Disconnect(new DisconnectReason(CloseInitiator.Transport, null, ReconnectCause.TransportError, "the connection was aborted"));
        }
        catch (GatewayTransportException ex)
        {
            scope.Disconnect(DisconnectReason.TransportFailed(ex));
        }
    }

    private ValueTask HandleMessageAsync(ConnectionScope scope)
    {
        var json = scope.JsonBuffer;
        json.Clear();
        try
        {
            if (_decompressor.Decompress(scope.RawBuffer.WrittenSpan, json) == DecompressResult.Incomplete)
            {
                return ValueTask.CompletedTask;
            }
        }
        catch (GatewayDecompressionException ex)
        {
            GatewayLog.DecompressionFailed(_logger, ShardId, ex);
            scope.Disconnect(new DisconnectReason(CloseInitiator.Client, ResumableCloseCode, ReconnectCause.DecompressionFailed, ex.Message));
            return ValueTask.CompletedTask;
        }

        if (!GatewayPayloadPeek.TryPeek(json.WrittenSpan, out var header))
        {
            RejectMalformed(scope, json.WrittenCount, "not a gateway payload");
            return ValueTask.CompletedTask;
        }

        switch (header.Opcode)
        {
            case GatewayOpcode.Dispatch:
                return HandleDispatchAsync(scope, header);
            case GatewayOpcode.HeartbeatAck:
                scope.Heartbeat.OnAckReceived();
                _counters.OnHeartbeatAck(_timeProvider.GetUtcNow(), scope.Heartbeat.Latency);

                break;
            case GatewayOpcode.Heartbeat:
                GatewayLog.HeartbeatRequested(_logger, ShardId);
                scope.Track(SendRequestedHeartbeatAsync(scope));
                break;
            case GatewayOpcode.Hello:
                OnHello(scope, header);
                break;
            case GatewayOpcode.Reconnect:
                GatewayLog.ReconnectRequested(_logger, ShardId);
                scope.Disconnect(new DisconnectReason(CloseInitiator.Client, ResumableCloseCode, ReconnectCause.ReconnectRequested, "op 7 Reconnect"));
                break;
            case GatewayOpcode.InvalidSession:
                OnInvalidSession(scope, header);
                break;
            default:
                GatewayLog.UnknownOpcode(_logger, ShardId, header.Op);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void OnHello(ConnectionScope scope, in PayloadHeader header)
    {
        if (scope.HelloReceived)
        {
            return;
        }

        if (!GatewayPayloads.TryReadHelloMilliseconds(header.GetData(scope.JsonBuffer.WrittenSpan), out var intervalMs))
        {
            RejectMalformed(scope, scope.JsonBuffer.WrittenCount, "Hello without a valid heartbeat_interval");
            return;
        }

        // Compared in milliseconds: a hostile value may not even fit a TimeSpan.
        if (intervalMs < (long)_options.MinHeartbeatInterval.TotalMilliseconds
            || intervalMs > (long)_options.MaxHeartbeatInterval.TotalMilliseconds)
        {
            RejectMalformed(
                scope,
                scope.JsonBuffer.WrittenCount,
                $"Hello heartbeat_interval {intervalMs} ms is outside {_options.MinHeartbeatInterval}..{_options.MaxHeartbeatInterval}");
            return;
        }

        var interval = TimeSpan.FromMilliseconds(intervalMs);
        scope.MarkHelloReceived();
        _backoff.Reset();
        if (scope.Plan.UsesResumeUrl)
        {
            _ledger.OnResumeUrlReached();
        }

        GatewayLog.HelloReceived(_logger, ShardId, interval.TotalMilliseconds);
        scope.RateLimiter = new CommandRateLimiter(_timeProvider, interval, _options.CommandsPerMinute);

        // Runs synchronously up to its first timer, so the heartbeat is scheduled before Identify goes out.
        scope.Track(RunHeartbeatAsync(scope, interval));
        scope.Track(AuthenticateAsync(scope));
    }

    private void OnInvalidSession(ConnectionScope scope, in PayloadHeader header)
    {
        // Discord's d is a boolean; anything else is read as "not resumable", the safe reading.
        GatewayPayloads.TryReadInvalidSession(header.GetData(scope.JsonBuffer.WrittenSpan), out var resumable);
        GatewayLog.InvalidSession(_logger, ShardId, resumable);
        var code = resumable ? ResumableCloseCode : NormalCloseCode;
        var detail = resumable ? "op 9 Invalid Session (resumable)" : "op 9 Invalid Session (not resumable)";
        scope.Disconnect(new DisconnectReason(CloseInitiator.Client, code, ReconnectCause.InvalidSession, detail));
    }

    private async ValueTask HandleDispatchAsync(ConnectionScope scope, PayloadHeader header)
    {
        if (header.Sequence is not { } sequence || header.EventType is not { } eventType)
        {
            RejectMalformed(scope, scope.JsonBuffer.WrittenCount, "a dispatch without s or t");
            return;
        }

        // 0 is a sequence like any other (some gateways number READY 0); only a negative one is malformed.
        if (sequence < 0)
        {
            RejectMalformed(scope, scope.JsonBuffer.WrittenCount, $"a dispatch with negative sequence {sequence}");
            return;
        }

        SessionStart? start = null;
        if (eventType == GatewayEventNames.Ready && !IsReplayedReady(scope, header))
        {
            if (!TryStartSession(scope, header, out start))
            {
                return;
            }
        }
        else if (eventType == GatewayEventNames.Resumed && scope.Plan.Resume is not null && !scope.IsActive)
        {
            start = OnResumed(scope);
        }

        if (scope.SessionId is not { } sessionId)
        {
            RejectMalformed(scope, scope.JsonBuffer.WrittenCount, $"a {eventType} dispatch before READY");
            return;
        }

        _ledger.OnReceived(sequence);

        // The payload copy is the one allocation per event: the pooled buffer is reused for the next message.
        var json = scope.JsonBuffer.WrittenSpan;
        var dispatch = new ShardDispatch(
            sessionId, sequence, eventType, header.GuildId, json.ToArray(), header.DataStart..(header.DataStart + header.DataLength))
        {
            ReceivedTimestamp = _timeProvider.GetTimestamp(),
        };
        if (start is not null)
        {
            await EnqueueAsync(scope, new SinkItem(start, scope.Generation)).ConfigureAwait(false);
        }

        await EnqueueAsync(scope, new SinkItem(dispatch, scope.Generation)).ConfigureAwait(false);
    }

    /// <summary>
    /// A READY of the very session being resumed is part of the replay (the Resume asked for everything
    /// after a sequence before READY was delivered): it is delivered like any other replayed event, but
    /// starts nothing.
    /// </summary>
    private static bool IsReplayedReady(ConnectionScope scope, in PayloadHeader header) =>
        scope.Plan.Resume is { } resume
        && GatewayPayloads.TryReadReady(header.GetData(scope.JsonBuffer.WrittenSpan), out var ready)
        && ready.SessionId == resume.SessionId;

    private bool TryStartSession(ConnectionScope scope, in PayloadHeader header, out SessionStart? start)
    {
        start = null;
        if (!GatewayPayloads.TryReadReady(header.GetData(scope.JsonBuffer.WrittenSpan), out var ready))
        {
            RejectMalformed(scope, scope.JsonBuffer.WrittenCount, "READY without session_id or resume_gateway_url");
            return false;
        }

        var (resumeUrl, resumeBase) = TrustedResumeUrl(ready.ResumeGatewayUrl, "READY");
        var (generation, previous) = _ledger.StartNew(ready.SessionId, resumeUrl, resumeBase);
        SetState(GatewayState.Active);
        _counters.OnReady();
        scope.SessionId = ready.SessionId;
        scope.Generation = generation;
        GatewayLog.SessionReady(_logger, ShardId, ready.SessionId);
        if (scope.MarkActive())
        {
            scope.Track(RunSenderAsync(scope));
        }

        start = new SessionStart
        {
            ShardId = ShardId,
            SessionId = ready.SessionId,
            ResumeUrl = resumeUrl,
            Resumed = false,
            Replaced = previous,
        };
        return true;
    }

    private SessionStart OnResumed(ConnectionScope scope)
    {
        var sessionId = scope.Plan.Resume!.SessionId;
        var resumeUrl = _ledger.ResumeUrlOf(sessionId);
        _counters.OnResumed();
        SetState(GatewayState.Active);

        GatewayLog.SessionResumed(_logger, ShardId, sessionId);
        if (scope.MarkActive())
        {
            scope.Track(RunSenderAsync(scope));
        }

        return new SessionStart { ShardId = ShardId, SessionId = sessionId, ResumeUrl = resumeUrl, Resumed = true };
    }

    private void RejectMalformed(ConnectionScope scope, long length, string problem)
    {
        if (scope.Disconnect(new DisconnectReason(
            CloseInitiator.Client, ResumableCloseCode, ReconnectCause.MalformedPayload, $"malformed message: {problem}")))
        {
            GatewayLog.MalformedPayload(_logger, ShardId, length, problem);
        }
    }

    /// <summary>
    /// Hands one item to the sink buffer; when it is full (by count or by bytes), stops reading
    /// (back-pressure) up to the stall timeout.
    /// </summary>
    private ValueTask EnqueueAsync(ConnectionScope scope, SinkItem item) =>
        scope.TryBuffer(item) ? ValueTask.CompletedTask : WaitForSinkAsync(scope, item);

    private async ValueTask WaitForSinkAsync(ConnectionScope scope, SinkItem item)
    {
        var pausedAt = _timeProvider.GetTimestamp();
        scope.Heartbeat.PauseReading();
        GatewayLog.ReadingPaused(_logger, ShardId, scope.SinkBuffer.Count, scope.BufferedBytes);
        using var stall = new CancellationTokenSource(_options.SinkStallTimeout, _timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stall.Token, scope.Lifetime);
        try
        {
            while (!scope.TryBuffer(item))
            {
                if (!await scope.WaitForBufferRoomAsync(item.Bytes, wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }

            var pausedFor = _timeProvider.GetElapsedTime(pausedAt);
            GatewayLog.ReadingResumed(_logger, ShardId, pausedFor);
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            // The connection is ending for another reason; the item will be replayed on resume.
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested)
        {
            GatewayLog.SinkStalled(_logger, ShardId, _options.SinkStallTimeout);
            scope.Disconnect(new DisconnectReason(
                CloseInitiator.Client, ResumableCloseCode, ReconnectCause.SinkStalled, $"the sink took nothing for {_options.SinkStallTimeout}"));
        }
        finally
        {
            scope.Heartbeat.ResumeReading();
        }
    }
}
