using System.IO.Compression;
using Sharder.Simulator.Compression;
using Xunit;
using ZstdSharp;

namespace Sharder.Simulator.Tests.Compression;

public sealed class CorruptionTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 8)]
    [InlineData(5, 1)]
    [InlineData(17, 3)]
    [InlineData(29, 16)]
    public void A_corrupted_zlib_stream_message_fails_to_inflate_after_the_good_ones_decoded(int corruptIndex, int count)
    {
        var json = GatewayPayloads.Sequence(seed: corruptIndex + 100, count: 30);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json).Data();
        var corrupted = Corruption.FlipBytes(encoded[corruptIndex].Span, new Random(corruptIndex), count);

        // The client still sees one complete message: same length, suffix intact.
        Assert.Equal(encoded[corruptIndex].Length, corrupted.Length);
        Assert.Equal([0x00, 0x00, 0xFF, 0xFF], corrupted[^4..]);

        var feed = new FeedStream();
        using var inflater = new ZLibStream(feed, CompressionMode.Decompress);
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < corruptIndex; i++)
        {
            feed.Push(encoded[i].Span);
            using var decoded = new MemoryStream();
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                decoded.Write(buffer, 0, read);
            }

            Assert.Equal(json[i], decoded.ToArray());
        }

        feed.Push(corrupted);
        Assert.Throws<InvalidDataException>(() =>
        {
            while (inflater.Read(buffer) > 0)
            {
            }
        });
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 5)]
    [InlineData(4, 1)]
    [InlineData(11, 9)]
    public void A_corrupted_zstd_stream_message_fails_to_decompress(int corruptIndex, int count)
    {
        var json = GatewayPayloads.Sequence(seed: corruptIndex + 200, count: 20);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, json).Data();
        var corrupted = Corruption.FlipBytes(encoded[corruptIndex].Span, new Random(corruptIndex), count);
        if (corruptIndex == 0)
        {
            Assert.Equal(encoded[0][..6].ToArray(), corrupted[..6]); // magic, descriptor, window untouched
        }

        var good = StreamingDecoders.DecompressZstdStream(encoded.Take(corruptIndex));
        Assert.Equal(json.Take(corruptIndex), good);

        var withCorruption = encoded.Take(corruptIndex).Append(corrupted);
        Assert.Throws<InvalidDataException>(() => StreamingDecoders.DecompressZstdStream(withCorruption));
        Assert.Throws<ZstdException>(() => StreamingDecoders.DecompressZstdWithStream(withCorruption));
    }

    [Fact]
    public void A_corrupted_payload_compressed_packet_fails_to_inflate()
    {
        var json = GatewayPayloads.Sequence(seed: 300, count: 40).First(m => m.Length > 1024);
        using var encoder = GatewayEncoders.Create(TransportCompression.None, payloadCompression: true, 1024);
        var packet = encoder.Encode(json).Data.ToArray();

        var corrupted = Corruption.FlipBytes(packet, new Random(1), 4);

        Assert.Equal(packet[..2], corrupted[..2]);
        Assert.Throws<InvalidDataException>(() => StreamingDecoders.InflateWhole(corrupted));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(50)]
    public void Exactly_count_bytes_change_inside_the_body(int count)
    {
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var encoded = EncoderRun.EncodeAll(encoder, GatewayPayloads.Sequence(seed: 400, count: 3)).Data();
        var message = encoded[2].ToArray();

        var corrupted = Corruption.FlipBytes(message, new Random(count), count);

        var changed = Enumerable.Range(0, message.Length).Where(i => message[i] != corrupted[i]).ToList();
        Assert.Equal(count, changed.Count);
        Assert.All(changed, i => Assert.InRange(i, 0, message.Length - 5));
    }

    [Fact]
    public void The_input_is_left_untouched()
    {
        using var encoder = GatewayEncoders.Create(TransportCompression.ZstdStream, payloadCompression: false, 0);
        var message = encoder.Encode(GatewayPayloads.Sequence(seed: 500, count: 1)[0]).Data.ToArray();
        var copy = message.ToArray();

        Corruption.FlipBytes(message, new Random(2), 3);

        Assert.Equal(copy, message);
    }
}
