namespace Sharder.Grains.Gateway.Compression;

/// <summary>Outcome of feeding one WebSocket message to an <see cref="IGatewayDecompressor"/>.</summary>
internal enum DecompressResult
{
    /// <summary>A whole gateway message was written to the output.</summary>
    Complete,

    /// <summary>The input was buffered; the gateway message continues in a later WebSocket message (zlib only).</summary>
    Incomplete,
}
