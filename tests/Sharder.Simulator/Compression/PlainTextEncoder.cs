namespace Sharder.Simulator.Compression;

/// <summary>No compression at all: every message is a text frame holding the JSON unchanged.</summary>
internal sealed class PlainTextEncoder : IGatewayEncoder
{
    private readonly EncoderOutputStream _output = new();

    public TransportCompression Mode => TransportCompression.None;

    public EncodedMessage Encode(ReadOnlySpan<byte> json)
    {
        _output.Reset();
        _output.Write(json);
        return new EncodedMessage(_output.Written, Binary: false);
    }

    public void Dispose() => _output.Dispose();
}
