namespace Sharder.Grains.Gateway.Compression;

/// <summary>Creates the decompressor for a <see cref="GatewayCompression"/> mode.</summary>
internal static class GatewayDecompressors
{
    /// <summary>Creates a decompressor whose messages may not exceed <paramref name="maxMessageBytes"/> once decompressed.</summary>
    public static IGatewayDecompressor Create(GatewayCompression mode, int maxMessageBytes)
    {
        return mode switch
        {
            GatewayCompression.None => new NoCompression(maxMessageBytes),
            GatewayCompression.ZlibStream => new ZlibStreamDecompressor(maxMessageBytes),
            GatewayCompression.ZstdStream => new ZstdStreamDecompressor(maxMessageBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown gateway compression mode."),
        };
    }
}
