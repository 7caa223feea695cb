using Sharder.Grains.Gateway.Compression;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>Theory data: the suites run once per transport compression mode.</summary>
public static class CompressionModes
{
    /// <summary>zlib-stream, zstd-stream and no compression.</summary>
    public static TheoryData<GatewayCompression> All => [GatewayCompression.ZlibStream, GatewayCompression.ZstdStream, GatewayCompression.None];

    /// <summary>The two transport compression modes (faults that need compressed frames).</summary>
    public static TheoryData<GatewayCompression> Compressed => [GatewayCompression.ZlibStream, GatewayCompression.ZstdStream];

    /// <summary>Every combination of <paramref name="values"/> with <see cref="Compressed"/> or <see cref="All"/>.</summary>
    public static TheoryData<T, GatewayCompression> Cross<T>(IEnumerable<T> values, bool includeNone)
    {
        var data = new TheoryData<T, GatewayCompression>();
        foreach (var value in values)
        {
            foreach (var compression in includeNone ? All : Compressed)
            {
                data.Add(value, compression);
            }
        }

        return data;
    }
}
