namespace Sharder.Grains.Gateway.Transport;

/// <summary>Creates a fresh, unconnected <see cref="IGatewayTransport"/> for every connection attempt.</summary>
internal interface IGatewayTransportFactory
{
    IGatewayTransport Create();
}
