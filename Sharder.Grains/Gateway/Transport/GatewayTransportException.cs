namespace Sharder.Grains.Gateway.Transport;

/// <summary>The gateway connection failed: refused, reset, handshake timed out, or used after it broke.</summary>
public sealed class GatewayTransportException : Exception
{
    public GatewayTransportException()
    {
    }

    public GatewayTransportException(string message)
        : base(message)
    {
    }

    public GatewayTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="message">What failed.</param>
    /// <param name="innerException">The socket's own exception.</param>
    /// <param name="peerCloseCode">The code of the close frame the gateway had already sent; null when it sent none or no code.</param>
    /// <param name="peerClosed">True when the gateway's close frame had arrived before this failure.</param>
    public GatewayTransportException(string message, Exception innerException, int? peerCloseCode, bool peerClosed)
        : base(message, innerException)
    {
        PeerCloseCode = peerCloseCode;
        PeerClosed = peerClosed;
    }

    /// <summary>
    /// True when the gateway had already sent its close frame: the failure (a send racing the close) is a
    /// consequence, and the gateway's close code is what decides the reconnect.
    /// </summary>
    public bool PeerClosed { get; }

    /// <summary>The gateway's close code when <see cref="PeerClosed"/>; null when its frame carried none.</summary>
    public int? PeerCloseCode { get; }
}
