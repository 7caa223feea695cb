namespace Sharder.Simulator.Compression;

/// <summary>
/// Turns outgoing gateway JSON into WebSocket message bytes for one connection. Create one per
/// connection before Hello is written, so Hello is the first message of a compressed stream.
/// Not thread-safe: the caller serializes <see cref="Encode"/> calls (and their sends).
/// </summary>
public interface IGatewayEncoder : IDisposable
{
    /// <summary>The transport compression this encoder produces.</summary>
    TransportCompression Mode { get; }

    /// <summary>Encodes one gateway message. The result is valid until the next call.</summary>
    EncodedMessage Encode(ReadOnlySpan<byte> json);
}
