using System.Buffers;

namespace Sharder.Grains.Gateway.Compression;

/// <summary>No transport compression: each WebSocket message is one gateway message, copied as is.</summary>
internal sealed class NoCompression : IGatewayDecompressor
{
    private readonly int _maxMessageBytes;

    public NoCompression(int maxMessageBytes)
    {
        DecompressionBudget.ValidateCap(maxMessageBytes);
        _maxMessageBytes = maxMessageBytes;
    }

    public string Name => "";

    public DecompressResult Decompress(ReadOnlySpan<byte> wsMessage, IBufferWriter<byte> output)
    {
        DecompressionBudget.EnsureWithinCap(wsMessage.Length, _maxMessageBytes);
        output.Write(wsMessage);
        return DecompressResult.Complete;
    }

    public void Reset()
    {
    }

    public void Dispose()
    {
    }
}
