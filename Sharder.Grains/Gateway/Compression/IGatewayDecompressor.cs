using System.Buffers;

namespace Sharder.Grains.Gateway.Compression;

/// <summary>
/// Turns the WebSocket messages of one gateway connection into whole JSON gateway messages. One
/// instance holds one decompression context; call <see cref="Reset"/> before every new connection.
/// </summary>
internal interface IGatewayDecompressor : IDisposable
{
    /// <summary>The <c>compress</c> query value (<c>zlib-stream</c>, <c>zstd-stream</c>), or "" for none.</summary>
    string Name { get; }

    /// <summary>
    /// Feeds one WebSocket message. On <see cref="DecompressResult.Complete"/> the output holds exactly
    /// one gateway message (everything written since the last complete one); on
    /// <see cref="DecompressResult.Incomplete"/> nothing was written.
    /// </summary>
    /// <exception cref="GatewayDecompressionException">
    /// The data is corrupt, or the message would exceed the size cap the decompressor was created with.
    /// </exception>
    DecompressResult Decompress(ReadOnlySpan<byte> wsMessage, IBufferWriter<byte> output);

    /// <summary>Discards buffered input and starts a fresh context for a new connection.</summary>
    void Reset();
}
