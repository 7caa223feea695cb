using System.Buffers;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Tests.Gateway.Compression;

public sealed class GatewayDecompressorsTests
{
    [Theory]
    [InlineData(GatewayCompression.None, typeof(NoCompression), "")]
    [InlineData(GatewayCompression.ZlibStream, typeof(ZlibStreamDecompressor), "zlib-stream")]
    [InlineData(GatewayCompression.ZstdStream, typeof(ZstdStreamDecompressor), "zstd-stream")]
    public void Creates_the_decompressor_for_each_mode(GatewayCompression mode, Type expectedType, string expectedName)
    {
        using var decompressor = GatewayDecompressors.Create(mode, 1024);

        Assert.IsType(expectedType, decompressor);
        Assert.Equal(expectedName, decompressor.Name);
    }

    [Fact]
    public void Unknown_mode_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayDecompressors.Create((GatewayCompression)42, 1024));
    }

    [Fact]
    public void Non_positive_cap_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GatewayDecompressors.Create(GatewayCompression.ZlibStream, 0));
    }

    [Fact]
    public void No_compression_copies_each_message_whole()
    {
        using var decompressor = GatewayDecompressors.Create(GatewayCompression.None, 1024);
        var output = new ArrayBufferWriter<byte>();
        var json = GoldenVectors.ZlibHelloJson;

        Assert.Equal(DecompressResult.Complete, decompressor.Decompress(json, output));
        Assert.Equal(json, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void No_compression_enforces_the_size_cap()
    {
        var json = GoldenVectors.ZlibHelloJson;
        using var decompressor = GatewayDecompressors.Create(GatewayCompression.None, json.Length - 1);
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<GatewayDecompressionException>(() => decompressor.Decompress(json, output));
        Assert.Equal(0, output.WrittenCount);
    }
}
