namespace Sharder.Grains.Gateway.Transport;

/// <summary>Creates <see cref="WebSocketGatewayTransport"/>s with the configured User-Agent and handshake timeout.</summary>
internal sealed class WebSocketGatewayTransportFactory : IGatewayTransportFactory
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;

    public WebSocketGatewayTransportFactory(GatewayOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    public IGatewayTransport Create() => new WebSocketGatewayTransport(_options.UserAgent, _options.HandshakeTimeout, _timeProvider);
}
