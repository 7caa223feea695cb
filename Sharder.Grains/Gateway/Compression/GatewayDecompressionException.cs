namespace Sharder.Grains.Gateway.Compression;

/// <summary>
/// Thrown when a compressed gateway message is corrupt or would decompress past the configured size
/// cap. The decompression context is unusable afterwards: close the connection (keeping the session,
/// so the shard resumes) and call <see cref="IGatewayDecompressor.Reset"/> before the next connection.
/// </summary>
public sealed class GatewayDecompressionException : Exception
{
    public GatewayDecompressionException()
    {
    }

    public GatewayDecompressionException(string message)
        : base(message)
    {
    }

    public GatewayDecompressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
