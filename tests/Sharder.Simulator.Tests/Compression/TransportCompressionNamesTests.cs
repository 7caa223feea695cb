using Sharder.Simulator.Compression;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

public sealed class TransportCompressionNamesTests
{
    [Theory]
    [InlineData(null, TransportCompression.None)]
    [InlineData("zlib-stream", TransportCompression.ZlibStream)]
    [InlineData("zstd-stream", TransportCompression.ZstdStream)]
    public void Known_values_parse(string? value, TransportCompression expected)
    {
        Assert.True(TransportCompressionNames.TryParse(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zlib")]
    [InlineData("ZLIB-STREAM")]
    [InlineData("brotli")]
    public void Unknown_values_are_reported(string value)
    {
        Assert.False(TransportCompressionNames.TryParse(value, out var parsed));
        Assert.Equal(TransportCompression.None, parsed);
    }

    [Theory]
    [InlineData(TransportCompression.None)]
    [InlineData(TransportCompression.ZlibStream)]
    [InlineData(TransportCompression.ZstdStream)]
    public void Query_values_round_trip(TransportCompression mode)
    {
        Assert.True(TransportCompressionNames.TryParse(TransportCompressionNames.ToQueryValue(mode), out var parsed));
        Assert.Equal(mode, parsed);
    }
}
