namespace Sharder.Grains.Gateway.Compression;

/// <summary>Transport compression requested with the <c>compress</c> query parameter.</summary>
public enum GatewayCompression
{
    /// <summary>No transport compression; payloads arrive as text frames.</summary>
    None,

    /// <summary><c>compress=zlib-stream</c>: one zlib context per connection, messages end with 00 00 FF FF.</summary>
    ZlibStream,

    /// <summary><c>compress=zstd-stream</c>: one zstd context per connection, one gateway message per WebSocket message.</summary>
    ZstdStream,
}
