using Sharder.Grains.Gateway.Compression;

namespace Sharder.Bench.Gateway.Recording;

/// <summary>
/// The WebSocket messages of one connection in one compression mode, back to back in a single buffer,
/// so replaying them costs a slice and nothing else.
/// </summary>
internal sealed class RecordedStream
{
    private readonly byte[] _buffer;
    private readonly int[] _ends;

    public RecordedStream(GatewayCompression mode, byte[] buffer, int[] ends)
    {
        Mode = mode;
        _buffer = buffer;
        _ends = ends;
    }

    public GatewayCompression Mode { get; }

    public int Count => _ends.Length;

    /// <summary>Bytes of all messages together, as they arrive on the WebSocket (frame headers excluded).</summary>
    public long WireBytes => _ends.Length == 0 ? 0 : _ends[^1];

    public ReadOnlySpan<byte> Message(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _buffer.AsSpan(start, _ends[index] - start);
    }
}
