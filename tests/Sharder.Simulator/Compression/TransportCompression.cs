namespace Sharder.Simulator.Compression;

/// <summary>Transport compression of a gateway connection, chosen by the <c>compress</c> query parameter.</summary>
public enum TransportCompression
{
    /// <summary>No transport compression (payload compression may still apply).</summary>
    None,

    /// <summary><c>compress=zlib-stream</c>: one zlib stream per connection, sync flush per message.</summary>
    ZlibStream,

    /// <summary><c>compress=zstd-stream</c>: one zstd frame per connection, flushed per message.</summary>
    ZstdStream,
}
