using System.Buffers;

namespace Sharder.Grains.Gateway.Transport;

/// <summary>
/// One WebSocket connection to the gateway, as the shard sees it. The WebSocket library never appears
/// beyond this seam, so tests can script a connection. One instance is used for one connection only.
/// </summary>
/// <remarks>
/// Failures of the connection itself surface as <see cref="GatewayTransportException"/>; cancellation
/// through the token as <see cref="OperationCanceledException"/>. At most one receive and one send (or
/// close) may be pending at a time.
/// </remarks>
internal interface IGatewayTransport : IAsyncDisposable
{
    /// <summary>Opens the connection (TCP, TLS, upgrade), applying the handshake timeout.</summary>
    ValueTask ConnectAsync(Uri url, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the next part of an incoming message to <paramref name="destination"/>. A message may take
    /// several calls; the last one reports <see cref="TransportReceiveResult.EndOfMessage"/>. When the
    /// peer sent a close frame, the close handshake is answered and a close result is returned.
    /// </summary>
    ValueTask<TransportReceiveResult> ReceiveAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken);

    /// <summary>Sends one whole text message.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Sends a close frame with <paramref name="code"/>; the peer's reply arrives through <see cref="ReceiveAsync"/>.</summary>
    ValueTask CloseAsync(int code, string reason, CancellationToken cancellationToken);

    /// <summary>Drops the connection at once without a close handshake; pending operations fail.</summary>
    void Abort();
}
