namespace Sharder.Simulator.Compression;

/// <summary>Creates the per-connection <see cref="IGatewayEncoder"/> for a negotiated compression.</summary>
public static class GatewayEncoders
{
    /// <summary>Default <c>payloadCompressThresholdBytes</c> (R-7.3).</summary>
    public const int DefaultPayloadThreshold = 1024;

    /// <summary>
    /// Creates an encoder. Payload compression only applies without transport compression; with
    /// <c>zlib-stream</c>/<c>zstd-stream</c> it is ignored, as Discord disables it (GP §9.1).
    /// </summary>
    public static IGatewayEncoder Create(TransportCompression mode, bool payloadCompression, int payloadThreshold)
    {
        return mode switch
        {
            TransportCompression.None when payloadCompression => new PayloadCompressionEncoder(payloadThreshold),
            TransportCompression.None => new PlainTextEncoder(),
            TransportCompression.ZlibStream => new ZlibStreamEncoder(),
            TransportCompression.ZstdStream => new ZstdStreamEncoder(),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown transport compression."),
        };
    }
}
