using System.Globalization;
using System.Text;

namespace Sharder.Simulator.Tests.Compression;

/// <summary>Seeded gateway-like JSON messages of mixed sizes for the encoder tests.</summary>
internal static class GatewayPayloads
{
    public const string Hello =
        """{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250,"_trace":["[\"sim-gateway-0\",{\"micros\":0.0}]"]}}""";

    public const string HeartbeatAck = """{"t":null,"s":null,"op":11,"d":null}""";

    /// <summary>Hello, then a mix of ACKs, small dispatches and a few large ones (one over the 256 KiB zstd window).</summary>
    public static List<byte[]> Sequence(int seed, int count)
    {
        var rng = new Random(seed);
        var messages = new List<byte[]> { Encoding.UTF8.GetBytes(Hello) };
        for (var s = 1; messages.Count < count; s++)
        {
            var json = (s % 7) switch
            {
                0 => HeartbeatAck,
                3 when s % 21 == 3 => Dispatch("GUILD_CREATE", s, rng, 120_000 + rng.Next(200_000)),
                _ => Dispatch("MESSAGE_CREATE", s, rng, 200 + rng.Next(1_500)),
            };
            messages.Add(Encoding.UTF8.GetBytes(json));
        }

        return messages;
    }

    /// <summary>A dispatch whose <c>d</c> holds roughly <paramref name="approximateBytes"/> of semi-random text.</summary>
    public static string Dispatch(string type, int sequence, Random rng, int approximateBytes)
    {
        var words = new[] { "gateway", "shard", "resume", "heartbeat", "guild", "channel", "member", "presence", "zlib", "zstd" };
        var content = new StringBuilder(approximateBytes + 64);
        while (content.Length < approximateBytes)
        {
            content.Append(words[rng.Next(words.Length)]).Append(' ').Append(rng.Next(100_000).ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        var id = ((long)rng.Next() << 22 | (long)rng.Next(1 << 22)).ToString(CultureInfo.InvariantCulture);
        return $$$"""{"t":"{{{type}}}","s":{{{sequence}}},"op":0,"d":{"id":"{{{id}}}","content":"{{{content}}}"}}""";
    }
}
