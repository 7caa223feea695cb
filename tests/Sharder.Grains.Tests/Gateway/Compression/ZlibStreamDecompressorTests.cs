using System.Buffers;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Tests.Gateway.Compression;

public sealed class ZlibStreamDecompressorTests
{
    private const int Cap = 1024 * 1024;

    [Fact]
    public void Decompresses_real_discord_hello()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();

        var result = decompressor.Decompress(GoldenVectors.ZlibHello, output);

        Assert.Equal(DecompressResult.Complete, result);
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
        Assert.Equal("zlib-stream", decompressor.Name);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Decompresses_real_hello_split_into_pieces(int pieces)
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        var hello = GoldenVectors.ZlibHello;

        var results = Split(hello, pieces).Select(piece => decompressor.Decompress(piece, output)).ToList();

        Assert.All(results[..^1], result => Assert.Equal(DecompressResult.Incomplete, result));
        Assert.Equal(DecompressResult.Complete, results[^1]);
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decompresses_hello_fed_one_byte_at_a_time()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        var hello = GoldenVectors.ZlibHello;

        for (var i = 0; i < hello.Length - 1; i++)
        {
            Assert.Equal(DecompressResult.Incomplete, decompressor.Decompress(hello.AsSpan(i, 1), output));
            Assert.Equal(0, output.WrittenCount);
        }

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(hello.AsSpan(^1), output));
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Invalid_data_throws_and_the_context_stays_failed_until_reset()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        byte[] garbage = [0x78, 0x9C, 0xFF, 0xFE, 0xFD, 0x00, 0x00, 0xFF, 0xFF];

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(garbage, output));
        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(GoldenVectors.ZlibHello, output));

        decompressor.Reset();
        output.Clear();
        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(GoldenVectors.ZlibHello, output));
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Data_without_a_zlib_header_is_invalid()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        byte[] notZlib = [0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x00, 0xFF, 0xFF];

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(notZlib, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Reset_starts_a_new_stream_for_a_new_connection()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        decompressor.Decompress(GoldenVectors.ZlibHello, output);

        // A second connection starts with a fresh zlib header, which only a reset context accepts.
        decompressor.Reset();
        output.Clear();
        var result = decompressor.Decompress(GoldenVectors.ZlibHello, output);

        Assert.Equal(DecompressResult.Complete, result);
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Without_reset_a_second_stream_header_is_rejected()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        decompressor.Decompress(GoldenVectors.ZlibHello, new ArrayBufferWriter<byte>());

        Assert.Throws<GatewayDecompressionException>(
            () => decompressor.Decompress(GoldenVectors.ZlibHello, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Reset_discards_a_partial_message()
    {
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        var hello = GoldenVectors.ZlibHello;
        Assert.Equal(DecompressResult.Incomplete, decompressor.Decompress(hello.AsSpan(0, 50), output));

        decompressor.Reset();
        var result = decompressor.Decompress(hello, output);

        Assert.Equal(DecompressResult.Complete, result);
        Assert.Equal(GoldenVectors.ZlibHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Message_over_the_size_cap_throws()
    {
        var json = GoldenVectors.ZlibHelloJson;
        using var decompressor = new ZlibStreamDecompressor(json.Length - 1);
        var output = new ArrayBufferWriter<byte>();

        var exception = Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(GoldenVectors.ZlibHello, output));

        Assert.Contains("MaxDecompressedMessageBytes", exception.Message, StringComparison.Ordinal);
        Assert.True(output.WrittenCount <= json.Length, "the cap must stop writing right after it is crossed");
    }

    [Fact]
    public void Message_exactly_at_the_size_cap_is_accepted()
    {
        var json = GoldenVectors.ZlibHelloJson;
        using var decompressor = new ZlibStreamDecompressor(json.Length);
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(GoldenVectors.ZlibHello, output));
        Assert.Equal(json.Length, output.WrittenCount);
    }

    [Fact]
    public void Compressed_input_without_suffix_beyond_the_cap_throws()
    {
        const int SmallCap = 64 * 1024;
        using var decompressor = new ZlibStreamDecompressor(SmallCap);
        var chunk = new byte[16 * 1024];

        var exception = Record.Exception(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                decompressor.Decompress(chunk, new ArrayBufferWriter<byte>());
            }
        });

        Assert.IsType<GatewayDecompressionException>(exception);
    }

    [Fact]
    public void Many_messages_share_one_context()
    {
        using var compressor = new ZlibStreamCompressor();
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();

        for (var sequence = 1; sequence <= 200; sequence++)
        {
            var message = TestMessages.Dispatch(sequence);
            var compressed = compressor.Compress(message);
            output.Clear();

            Assert.Equal(DecompressResult.Complete, decompressor.Decompress(compressed, output));
            Assert.Equal(message, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Later_messages_depend_on_the_shared_context()
    {
        using var compressor = new ZlibStreamCompressor();
        compressor.Compress(TestMessages.Dispatch(1));
        var second = compressor.Compress(TestMessages.Dispatch(2));

        // The second message back-references the first: a fresh context cannot decode it alone.
        using var fresh = new ZlibStreamDecompressor(Cap);
        Assert.Throws<GatewayDecompressionException>(() => fresh.Decompress(second, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Messages_split_across_websocket_messages_interleave_with_whole_ones()
    {
        using var compressor = new ZlibStreamCompressor();
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();

        for (var sequence = 1; sequence <= 60; sequence++)
        {
            var message = TestMessages.Dispatch(sequence, padding: sequence * 37);
            var compressed = compressor.Compress(message);
            var pieces = Split(compressed, 1 + (sequence % 4));
            output.Clear();

            var results = pieces.Select(piece => decompressor.Decompress(piece, output)).ToList();

            Assert.Equal(DecompressResult.Complete, results[^1]);
            Assert.All(results[..^1], result => Assert.Equal(DecompressResult.Incomplete, result));
            Assert.Equal(message, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Message_larger_than_one_output_chunk_is_complete()
    {
        using var compressor = new ZlibStreamCompressor();
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        var message = TestMessages.Large(300 * 1024, seed: 7);

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(compressor.Compress(message), output));

        Assert.Equal(message, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Steady_state_does_not_allocate()
    {
        using var compressor = new ZlibStreamCompressor();
        using var decompressor = new ZlibStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var compressed = Enumerable.Range(1, 120).Select(i => compressor.Compress(TestMessages.Dispatch(i))).ToArray();
        for (var i = 0; i < 20; i++)
        {
            output.ResetWrittenCount();
            decompressor.Decompress(compressed[i], output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 20; i < compressed.Length; i++)
        {
            output.ResetWrittenCount();
            decompressor.Decompress(compressed[i], output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var decompressor = new ZlibStreamDecompressor(Cap);
        decompressor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => decompressor.Decompress(GoldenVectors.ZlibHello, new ArrayBufferWriter<byte>()));
    }

    internal static List<byte[]> Split(byte[] data, int pieces)
    {
        var result = new List<byte[]>();
        var size = (data.Length + pieces - 1) / pieces;
        for (var offset = 0; offset < data.Length; offset += size)
        {
            result.Add(data.AsSpan(offset, Math.Min(size, data.Length - offset)).ToArray());
        }

        return result;
    }
}
