using System.Text;
using Sharder.Simulator.Compression;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

public sealed class PayloadCompressionEncoderTests
{
    private const int Threshold = GatewayEncoders.DefaultPayloadThreshold;

    [Fact]
    public void Without_any_compression_messages_are_text_holding_the_json()
    {
        var json = GatewayPayloads.Sequence(seed: 1, count: 30);
        using var encoder = GatewayEncoders.Create(TransportCompression.None, payloadCompression: false, Threshold);

        var encoded = EncoderRun.EncodeAll(encoder, json);

        Assert.Equal(TransportCompression.None, encoder.Mode);
        Assert.All(encoded, e => Assert.False(e.Binary));
        Assert.Equal(json, encoded.Select(e => e.Data));
    }

    [Fact]
    public void Messages_up_to_the_threshold_stay_text_and_larger_ones_become_binary_zlib()
    {
        var rng = new Random(7);
        using var encoder = GatewayEncoders.Create(TransportCompression.None, payloadCompression: true, Threshold);
        var atThreshold = JsonOfLength(Threshold, rng);
        var overThreshold = JsonOfLength(Threshold + 1, rng);

        var small = encoder.Encode(atThreshold);
        Assert.False(small.Binary);
        Assert.Equal(atThreshold, small.Data.ToArray());

        var large = encoder.Encode(overThreshold);
        Assert.True(large.Binary);
        Assert.Equal([0x78, 0x9C], large.Data[..2].ToArray());
        Assert.Equal(overThreshold, StreamingDecoders.InflateWhole(large.Data));
    }

    [Fact]
    public void Each_compressed_packet_is_an_independent_finished_stream()
    {
        var json = GatewayPayloads.Sequence(seed: 2, count: 40).Where(m => m.Length > Threshold).ToList();
        using var encoder = GatewayEncoders.Create(TransportCompression.None, payloadCompression: true, Threshold);

        var encoded = EncoderRun.EncodeAll(encoder, json);

        // Each one decodes alone with a fresh inflater (no shared context), to the end of its stream.
        Assert.True(json.Count >= 10);
        Assert.All(encoded, e => Assert.True(e.Binary));
        Assert.Equal(json, encoded.Select(e => StreamingDecoders.InflateWhole(e.Data)));
    }

    [Theory]
    [InlineData(TransportCompression.ZlibStream)]
    [InlineData(TransportCompression.ZstdStream)]
    public void Payload_compression_is_ignored_under_transport_compression(TransportCompression mode)
    {
        var small = Encoding.UTF8.GetBytes(GatewayPayloads.HeartbeatAck);
        using var encoder = GatewayEncoders.Create(mode, payloadCompression: true, Threshold);

        var encoded = EncoderRun.EncodeAll(encoder, [small, small]);

        Assert.Equal(mode, encoder.Mode);
        Assert.All(encoded, e => Assert.True(e.Binary));
        var decoded = mode == TransportCompression.ZlibStream
            ? StreamingDecoders.InflateZlibStream(encoded.Data())
            : StreamingDecoders.DecompressZstdStream(encoded.Data());
        Assert.Equal([small, small], decoded);
    }

    [Fact]
    public void Unknown_mode_and_negative_threshold_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayEncoders.Create((TransportCompression)42, false, Threshold));
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayEncoders.Create(TransportCompression.None, true, -1));
    }

    private static byte[] JsonOfLength(int length, Random rng)
    {
        var prefix = "{\"t\":\"X\",\"s\":1,\"op\":0,\"d\":{\"c\":\""u8.ToArray();
        var suffix = "\"}}"u8.ToArray();
        var filler = new byte[length - prefix.Length - suffix.Length];
        for (var i = 0; i < filler.Length; i++)
        {
            filler[i] = (byte)('a' + rng.Next(26));
        }

        return [.. prefix, .. filler, .. suffix];
    }
}
