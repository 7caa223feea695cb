using Sharder.Simulator.Compression;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

public sealed class ZlibStreamEncoderTests
{
    private static readonly byte[] SyncFlushSuffix = [0x00, 0x00, 0xFF, 0xFF];

    [Fact]
    public void First_message_starts_with_the_zlib_header_and_every_message_ends_with_a_sync_flush()
    {
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, GatewayPayloads.Sequence(seed: 1, count: 60));

        Assert.Equal(TransportCompression.ZlibStream, encoder.Mode);
        Assert.Equal([0x78, 0x9C], encoded[0].Data[..2]);
        Assert.All(encoded, e => Assert.Equal(SyncFlushSuffix, e.Data[^4..]));
        Assert.All(encoded, e => Assert.True(e.Binary));
        Assert.All(encoded.Skip(1), e => Assert.NotEqual([0x78, 0x9C], e.Data[..2]));
    }

    [Fact]
    public void Every_message_decodes_with_one_inflater_kept_for_the_whole_connection()
    {
        var json = GatewayPayloads.Sequence(seed: 2, count: 120);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json);

        var decoded = StreamingDecoders.InflateZlibStream(encoded.Data());

        Assert.Equal(json, decoded);
    }

    [Fact]
    public async Task Every_message_decodes_with_python_decompressobj_when_python_is_available()
    {
        var json = GatewayPayloads.Sequence(seed: 3, count: 80);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json).Data();

        var pythonDecoded = await ExternalDecoders.PythonInflateAsync(encoded);
        if (ExternalDecoders.IsOnPath("python3"))
        {
            Assert.NotNull(pythonDecoded);
        }

        Assert.Equal(json, pythonDecoded ?? StreamingDecoders.InflateZlibStream(encoded));
    }

    [Fact]
    public void Later_messages_compress_against_earlier_ones()
    {
        var message = GatewayPayloads.Sequence(seed: 4, count: 2)[1];
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);

        var first = encoder.Encode(message).Data.Length;
        var repeat = encoder.Encode(message).Data.Length;

        // A shared context turns the repeat into back-references; a fresh one per message would not.
        Assert.True(repeat < first / 2, $"repeat {repeat} bytes vs first {first} bytes");
    }

    [Fact]
    public void Each_connection_gets_its_own_context()
    {
        var json = GatewayPayloads.Sequence(seed: 5, count: 10);
        using var first = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        using var second = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        EncoderRun.EncodeAll(first, json);

        var secondConnection = EncoderRun.EncodeAll(second, json);

        Assert.Equal([0x78, 0x9C], secondConnection[0].Data[..2]);
        Assert.Equal(json, StreamingDecoders.InflateZlibStream(secondConnection.Data()));
    }
}
