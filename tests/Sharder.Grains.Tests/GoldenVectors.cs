namespace Sharder.Grains.Tests;

/// <summary>Captured Discord Hello messages (via twilight's tests) and the JSON they decode to.</summary>
internal static class GoldenVectors
{
    public static byte[] ZlibHello => Read("discord-hello.zlib-stream.bin");

    public static byte[] ZlibHelloJson => Read("discord-hello.zlib-stream.json");

    public static byte[] ZstdHello => Read("discord-hello.zstd-stream.bin");

    public static byte[] ZstdHelloJson => Read("discord-hello.zstd-stream.json");

    private static byte[] Read(string fileName) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "GoldenVectors", fileName));
}
