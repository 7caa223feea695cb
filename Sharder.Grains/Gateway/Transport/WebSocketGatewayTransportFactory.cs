namespace Sharder.Grains.Gateway.Transport;

/// <summary>Creates <see cref="WebSocketGatewayTransport"/>s with the configured User-Agent and handshake timeout.</summary>
internal sealed class WebSocketGatewayTransportFactory : IGatewayTransportFactory
{
    private readonly string _userAgent;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _timeProvider;

    /// <param name="userAgent">Sent on the handshake (GatewayOptions.UserAgent).</param>
    /// <param name="handshakeTimeout">How long a handshake may take (GatewayOptions.HandshakeTimeout).</param>
    /// <param name="timeProvider">Clock for the handshake timeout.</param>
    public WebSocketGatewayTransportFactory(string userAgent, TimeSpan handshakeTimeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _userAgent = userAgent;
        _handshakeTimeout = handshakeTimeout;
        _timeProvider = timeProvider;
    }

    public IGatewayTransport Create() => new WebSocketGatewayTransport(_userAgent, _handshakeTimeout, _timeProvider);
}
