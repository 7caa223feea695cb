using System.Buffers;
using System.Net.WebSockets;

namespace Sharder.Grains.Gateway.Transport;

/// <summary>
/// <see cref="IGatewayTransport"/> on <see cref="ClientWebSocket"/>: sends the User-Agent Discord asks
/// for, turns off WebSocket pings (the gateway has its own heartbeat) and bounds the opening handshake.
/// </summary>
internal sealed class WebSocketGatewayTransport : IGatewayTransport
{
    /// <summary>Size hint for each receive; a message larger than this takes several receives.</summary>
    internal const int ReceiveChunkBytes = 16 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _timeProvider;

    // Whether the last receive ended inside a message (more of it to read before the next one begins).
    private bool _inMessage;

    public WebSocketGatewayTransport(string userAgent, TimeSpan handshakeTimeout, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userAgent);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(handshakeTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _handshakeTimeout = handshakeTimeout;
        _timeProvider = timeProvider;
        _socket.Options.SetRequestHeader("User-Agent", userAgent);
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _socket.Options.CollectHttpResponseDetails = true;
    }

    public async ValueTask ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var handshakeTimeout = new CancellationTokenSource(_handshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handshakeTimeout.Token);
        try
        {
            await _socket.ConnectAsync(url, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayTransportException(
                $"The WebSocket handshake with {url.Host}:{url.Port} did not complete within {_handshakeTimeout.TotalSeconds:0.###} s "
                + "(GatewayOptions.HandshakeTimeout).",
                ex);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException)
        {
            var status = _socket.HttpStatusCode == 0 ? "" : $" (HTTP {(int)_socket.HttpStatusCode})";
            throw new GatewayTransportException($"Could not open a WebSocket to {url.Host}:{url.Port}{status}: {ex.Message}", ex);
        }
    }

    public async ValueTask<TransportReceiveResult> ReceiveAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ValueWebSocketReceiveResult result;
        try
        {
            if (!_inMessage)
            {
                // Between messages a shard mostly waits (an idle one for its next heartbeat ACK): wait with a
                // zero-byte receive, which returns once a frame has begun, so no buffer is held meanwhile.
                result = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return await AnswerCloseAsync(cancellationToken).ConfigureAwait(false);
                }

                if (result.EndOfMessage)
                {
                    // An empty message: nothing more to read for it.
                    return TransportReceiveResult.Data(TypeOf(result), 0, endOfMessage: true);
                }
            }

            result = await _socket.ReceiveAsync(destination.GetMemory(ReceiveChunkBytes), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            throw Broken("receiving", ex);
        }

        if (result.MessageType == WebSocketMessageType.Close)
        {
            return await AnswerCloseAsync(cancellationToken).ConfigureAwait(false);
        }

        _inMessage = !result.EndOfMessage;
        destination.Advance(result.Count);
        return TransportReceiveResult.Data(TypeOf(result), result.Count, result.EndOfMessage);
    }

    private static TransportMessageType TypeOf(ValueWebSocketReceiveResult result)
        => result.MessageType == WebSocketMessageType.Binary ? TransportMessageType.Binary : TransportMessageType.Text;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            throw Broken("sending", ex);
        }
    }

    public async ValueTask CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            throw Broken("closing", ex);
        }
    }

    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A failure, carrying the gateway's close code when its close frame had already arrived.</summary>
    private GatewayTransportException Broken(string activity, Exception ex)
    {
        var status = _socket.CloseStatus;
        int? code = status is null or WebSocketCloseStatus.Empty ? null : (int)status.Value;
        return new GatewayTransportException(
            $"The gateway connection broke while {activity}: {ex.Message}", ex, code, peerClosed: status is not null);
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is WebSocketException or IOException or ObjectDisposedException;

    private async ValueTask<TransportReceiveResult> AnswerCloseAsync(CancellationToken cancellationToken)
    {
        var status = _socket.CloseStatus;
        int? code = status is null or WebSocketCloseStatus.Empty ? null : (int)status.Value;
        var reason = _socket.CloseStatusDescription;
        if (_socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                // Echo the peer's code to complete the close handshake, as RFC 6455 asks.
                var echo = status is null or WebSocketCloseStatus.Empty ? WebSocketCloseStatus.NormalClosure : status.Value;
                await _socket.CloseOutputAsync(echo, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsConnectionFailure(ex) || ex is OperationCanceledException)
            {
                // The peer's close already decided the outcome; a failed echo changes nothing.
            }
        }

        return TransportReceiveResult.Closed(code, reason);
    }
}
