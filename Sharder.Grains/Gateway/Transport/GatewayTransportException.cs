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
}
