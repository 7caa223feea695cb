namespace Sharder.Grains.Gateway;

/// <summary>A command was larger than Discord accepts; it was not sent (Discord would close the connection with 4002).</summary>
public sealed class GatewayCommandTooLargeException : Exception
{
    public GatewayCommandTooLargeException()
    {
    }

    public GatewayCommandTooLargeException(string message)
        : base(message)
    {
    }

    public GatewayCommandTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GatewayCommandTooLargeException(int size, int limit)
        : base($"The gateway command is {size} bytes; the limit is {limit} bytes (GatewayOptions.MaxCommandBytes). "
            + "Discord closes the connection with 4002 for larger payloads, so it was not sent.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The rejected payload's size in bytes.</summary>
    public int Size { get; }

    /// <summary>The largest payload allowed.</summary>
    public int Limit { get; }
}
