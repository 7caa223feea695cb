using Sharder.Simulator.Compression;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

public sealed class ZstdStreamEncoderTests
{
    [Fact]
    public void First_message_carries_the_frame_header_with_a_256_KiB_window()
    {
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, GatewayPayloads.Sequence(seed: 1, count: 20));

        Assert.Equal(TransportCompression.ZstdStream, encoder.Mode);
        Assert.Equal([0x28, 0xB5, 0x2F, 0xFD], encoded[0].Data[..4]);
        Assert.Equal(0x00, encoded[0].Data[4]); // frame header descriptor: no content size, no checksum, no dictionary
        Assert.Equal(0x40, encoded[0].Data[5]); // window descriptor: 2^(10 + 8) = 256 KiB
        Assert.All(encoded, e => Assert.True(e.Binary));
        Assert.All(encoded.Skip(1), e => Assert.NotEqual([0x28, 0xB5, 0x2F, 0xFD], e.Data[..4]));
    }

    [Fact]
    public void Every_message_decodes_completely_with_one_decompressor_for_the_connection()
    {
        var json = GatewayPayloads.Sequence(seed: 2, count: 120);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json);

        // Like twilight: every WS message must decode to exactly one whole gateway message.
        var decoded = StreamingDecoders.DecompressZstdStream(encoded.Data());

        Assert.Equal(json, decoded);
    }

    [Fact]
    public void Every_message_decodes_with_a_decompression_stream_fed_message_by_message()
    {
        var json = GatewayPayloads.Sequence(seed: 3, count: 60);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json);

        var decoded = StreamingDecoders.DecompressZstdWithStream(encoded.Data());

        Assert.Equal(json, decoded);
    }

    [Fact]
    public async Task The_zstd_cli_decodes_the_connection_when_it_is_installed()
    {
        var json = GatewayPayloads.Sequence(seed: 4, count: 40);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json).Data();
        var expected = json.SelectMany(m => m).ToArray();

        var cliDecoded = await ExternalDecoders.ZstdCliDecompressAsync(encoded);
        if (ExternalDecoders.IsOnPath("zstd"))
        {
            Assert.NotNull(cliDecoded);
        }

        Assert.Equal(expected, cliDecoded ?? StreamingDecoders.DecompressZstdStream(encoded).SelectMany(m => m).ToArray());
    }
}
