using System.Net.WebSockets;

namespace Sharder.Simulator.Net;

/// <summary>The receive side: whole-message assembly, size limits, close frames and draining.</summary>
public sealed partial class WsConnection
{
    /// <summary>
    /// Receives one whole message. A message over <paramref name="maxBytes"/> is drained and reported as
    /// <see cref="WsMessageKind.Oversize"/>. Once the connection has ended, every call returns the final
    /// <see cref="WsMessageKind.Close"/> or <see cref="WsMessageKind.Aborted"/> again. While blackholed the
    /// call stays pending until the connection is closed or disposed. Cancelling aborts the connection.
    /// </summary>
    public async ValueTask<WsMessage> ReceiveAsync(int maxBytes, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        await _receiveLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ReceiveLockedAsync(maxBytes, ct).ConfigureAwait(false);
        }
        finally
        {
            _receiveLock.Release();
        }
    }

    private async ValueTask<WsMessage> ReceiveLockedAsync(int maxBytes, CancellationToken ct)
    {
        var size = 0;
        var oversize = false;
        WsMessageKind? kind = null;
        while (true)
        {
            if (IsEnded)
            {
                return EndMessage();
            }

            if (_blackholed)
            {
                await _blackholeReleased.Task.WaitAsync(ct).ConfigureAwait(false);
                (size, oversize, kind) = (0, false, null);
                continue;
            }

            var target = oversize ? DrainBuffer() : MessageBufferTarget(size, maxBytes);
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _webSocket.ReceiveAsync(target, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Finish();
                throw;
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                Finish();
                return EndMessage();
            }

            Interlocked.Add(ref _bytesIn, result.Count);
            if (_blackholed)
            {
                continue; // read just before the blackhole began: dropped with the rest
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await OnCloseFrameReceivedAsync().ConfigureAwait(false);
                return EndMessage();
            }

            kind ??= result.MessageType == WebSocketMessageType.Text ? WsMessageKind.Text : WsMessageKind.Binary;
            size = (int)Math.Min(int.MaxValue, (long)size + result.Count);
            oversize |= size > maxBytes;
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (oversize)
            {
                return new WsMessage(WsMessageKind.Oversize, ReadOnlyMemory<byte>.Empty, size, null, null);
            }

            var data = _messageBuffer.AsSpan(0, size).ToArray();
            if (_messageBuffer.Length > RetainedMessageBufferBytes)
            {
                _messageBuffer = new byte[InitialMessageBufferBytes];
            }

            return new WsMessage(kind.Value, data, size, null, null);
        }
    }

    /// <summary>Free space for the next read, never letting the message grow past maxBytes + 1.</summary>
    private Memory<byte> MessageBufferTarget(int size, int maxBytes)
    {
        var limit = (long)maxBytes + 1;
        if (size == _messageBuffer.Length)
        {
            var grown = Math.Min(Math.Max(size * 2L, InitialMessageBufferBytes), Math.Min(limit, Array.MaxLength));
            Array.Resize(ref _messageBuffer, (int)grown);
        }

        return _messageBuffer.AsMemory(size, (int)Math.Min(_messageBuffer.Length - size, limit - size));
    }

    private byte[] DrainBuffer() => _drainBuffer ??= new byte[DrainBufferBytes];

    private async ValueTask OnCloseFrameReceivedAsync()
    {
        var status = _webSocket.CloseStatus ?? WebSocketCloseStatus.Empty;
        ClientCloseCode = status == WebSocketCloseStatus.Empty ? null : (int)status;
        ClientCloseReason = _webSocket.CloseStatusDescription;
        _closeFrameReceived = true;
        if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) == StateOpen)
        {
            ClientClosing?.Invoke(ClientCloseCode);

            // The client started the close: echo its code (RFC 6455 §5.5.1); then we close TCP first.
            using var timeout = new CancellationTokenSource(_closeTimeout, _time);
            try
            {
                await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    ServerCloseCode = ClientCloseCode;
                    await _webSocket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || IsTransportFailure(ex))
            {
                // The client is gone or too slow; Finish below drops the socket anyway.
            }
        }

        Finish();
    }

    /// <summary>After our close frame or FIN: read (and drop) until the client closes, at most the close timeout.</summary>
    private async Task DrainUntilEndedAsync(CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_closeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            // If the owner's receive loop holds the lock, its receive sees the client's answer and
            // ends the connection; otherwise we read ourselves.
            await _receiveLock.WaitAsync(linked.Token).ConfigureAwait(false);
            try
            {
                while (!IsEnded)
                {
                    await ReceiveLockedAsync(0, linked.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _receiveLock.Release();
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The client did not answer within the close timeout.
        }
        finally
        {
            Finish();
        }
    }

    private WsMessage EndMessage() => _closeFrameReceived
        ? new WsMessage(WsMessageKind.Close, ReadOnlyMemory<byte>.Empty, 0, ClientCloseCode, ClientCloseReason)
        : new WsMessage(WsMessageKind.Aborted, ReadOnlyMemory<byte>.Empty, 0, null, null);
}
