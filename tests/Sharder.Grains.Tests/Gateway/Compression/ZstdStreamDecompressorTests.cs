using System.Buffers;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Tests.Gateway.Compression;

public sealed class ZstdStreamDecompressorTests
{
    private const int Cap = 1024 * 1024;

    [Fact]
    public void Decompresses_real_discord_hello()
    {
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();

        var result = decompressor.Decompress(GoldenVectors.ZstdHello, output);

        Assert.Equal(DecompressResult.Complete, result);
        Assert.Equal(GoldenVectors.ZstdHelloJson, output.WrittenSpan.ToArray());
        Assert.Equal("zstd-stream", decompressor.Name);
    }

    [Fact]
    public void Invalid_data_throws_and_the_context_stays_failed_until_reset()
    {
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        byte[] garbage = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(garbage, output));
        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(GoldenVectors.ZstdHello, output));

        decompressor.Reset();
        output.Clear();
        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(GoldenVectors.ZstdHello, output));
        Assert.Equal(GoldenVectors.ZstdHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Corrupted_block_in_a_running_stream_throws()
    {
        using var compressor = new ZstdStreamCompressor();
        using var decompressor = new ZstdStreamDecompressor(Cap);
        decompressor.Decompress(compressor.Compress(TestMessages.Dispatch(1)), new ArrayBufferWriter<byte>());
        var second = compressor.Compress(TestMessages.Dispatch(2));
        second[0] |= 0b110; // block type 3 is reserved: the block header is now invalid

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(second, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Reset_starts_a_new_stream_for_a_new_connection()
    {
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        using (var firstConnection = new ZstdStreamCompressor())
        {
            decompressor.Decompress(firstConnection.Compress(TestMessages.Dispatch(1)), output);
            decompressor.Decompress(firstConnection.Compress(TestMessages.Dispatch(2)), output);
        }

        decompressor.Reset();
        output.Clear();
        var result = decompressor.Decompress(GoldenVectors.ZstdHello, output);

        Assert.Equal(DecompressResult.Complete, result);
        Assert.Equal(GoldenVectors.ZstdHelloJson, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Message_over_the_size_cap_throws()
    {
        var json = GoldenVectors.ZstdHelloJson;
        using var decompressor = new ZstdStreamDecompressor(json.Length - 1);
        var output = new ArrayBufferWriter<byte>();

        var exception = Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(GoldenVectors.ZstdHello, output));

        Assert.Contains("MaxDecompressedMessageBytes", exception.Message, StringComparison.Ordinal);
        Assert.True(output.WrittenCount <= json.Length, "the cap must stop writing right after it is crossed");
    }

    [Fact]
    public void Message_exactly_at_the_size_cap_is_accepted()
    {
        var json = GoldenVectors.ZstdHelloJson;
        using var decompressor = new ZstdStreamDecompressor(json.Length);
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(GoldenVectors.ZstdHello, output));
        Assert.Equal(json.Length, output.WrittenCount);
    }

    [Fact]
    public void Large_message_over_the_cap_throws_without_filling_memory()
    {
        using var compressor = new ZstdStreamCompressor();
        using var decompressor = new ZstdStreamDecompressor(100 * 1024);
        var output = new ArrayBufferWriter<byte>();
        var message = TestMessages.Large(400 * 1024, seed: 3);

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(compressor.Compress(message), output));
        Assert.True(output.WrittenCount <= (100 * 1024) + 1);
    }

    [Fact]
    public void Many_messages_share_one_context()
    {
        using var compressor = new ZstdStreamCompressor();
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();

        for (var sequence = 1; sequence <= 200; sequence++)
        {
            var message = TestMessages.Dispatch(sequence, padding: sequence % 50);
            output.Clear();

            Assert.Equal(DecompressResult.Complete, decompressor.Decompress(compressor.Compress(message), output));
            Assert.Equal(message, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Later_messages_depend_on_the_shared_context()
    {
        using var compressor = new ZstdStreamCompressor();
        compressor.Compress(TestMessages.Dispatch(1));
        var second = compressor.Compress(TestMessages.Dispatch(2));

        // Without the frame header and earlier history, a fresh context cannot decode the second message.
        using var fresh = new ZstdStreamDecompressor(Cap);
        Assert.Throws<GatewayDecompressionException>(() => fresh.Decompress(second, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Message_larger_than_one_output_chunk_is_complete()
    {
        using var compressor = new ZstdStreamCompressor();
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        decompressor.Decompress(compressor.Compress(TestMessages.Dispatch(1)), output);
        var message = TestMessages.Large(300 * 1024, seed: 11);
        output.Clear();

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(compressor.Compress(message), output));

        Assert.Equal(message, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Default_zstd_window_of_2_MiB_is_accepted()
    {
        using var compressor = new ZstdStreamCompressor(windowLog: 21);
        using var decompressor = new ZstdStreamDecompressor(Cap);
        var output = new ArrayBufferWriter<byte>();
        var message = TestMessages.Dispatch(1);

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(compressor.Compress(message), output));
        Assert.Equal(message, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Window_larger_than_the_limit_is_rejected()
    {
        using var compressor = new ZstdStreamCompressor(windowLog: ZstdStreamDecompressor.DefaultMaxWindowLog + 1);
        using var decompressor = new ZstdStreamDecompressor(Cap);

        Assert.Throws<GatewayDecompressionException>(
            () => decompressor.Decompress(compressor.Compress(TestMessages.Dispatch(1)), new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Reset_keeps_the_window_limit()
    {
        using var decompressor = new ZstdStreamDecompressor(Cap);
        decompressor.Reset();
        using var compressor = new ZstdStreamCompressor(windowLog: ZstdStreamDecompressor.DefaultMaxWindowLog + 1);

        Assert.Throws<GatewayDecompressionException>(
            () => decompressor.Decompress(compressor.Compress(TestMessages.Dispatch(1)), new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Steady_state_does_not_allocate()
    {
        using var compressor = new ZstdStreamCompressor();
        using var decompressor = new ZstdStreamDecompressor(Cap);
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
        var decompressor = new ZstdStreamDecompressor(Cap);
        decompressor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => decompressor.Decompress(GoldenVectors.ZstdHello, new ArrayBufferWriter<byte>()));
    }
}
