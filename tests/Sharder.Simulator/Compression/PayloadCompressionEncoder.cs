using System.IO.Compression;

namespace Sharder.Simulator.Compression;

/// <summary>
/// Payload compression (Identify <c>compress:true</c>, R-7.3): a message larger than the threshold
/// becomes an independent, finished zlib stream sent as binary; smaller ones stay plain text.
/// </summary>
internal sealed class PayloadCompressionEncoder : IGatewayEncoder
{
    private readonly EncoderOutputStream _output = new();
    private readonly int _thresholdBytes;

    public PayloadCompressionEncoder(int thresholdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(thresholdBytes);
        _thresholdBytes = thresholdBytes;
    }

    public TransportCompression Mode => TransportCompression.None;

    public EncodedMessage Encode(ReadOnlySpan<byte> json)
    {
        _output.Reset();
        if (json.Length <= _thresholdBytes)
        {
            _output.Write(json);
            return new EncodedMessage(_output.Written, Binary: false);
        }

        using (var zlib = new ZLibStream(_output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        return new EncodedMessage(_output.Written, Binary: true);
    }

    public void Dispose() => _output.Dispose();
}
