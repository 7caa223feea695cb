using System.Globalization;
using System.Text;

namespace Sharder.IntegrationTests.Commands;

/// <summary>
/// Commands no gateway should ever see: the six of issue 8, and seeded random byte strings and JSON values.
/// Every JSON value is built to be invalid as a command (wrong type, forbidden op, no object <c>d</c>,
/// duplicate field, lone surrogate, trailing data), so any of them reaching the gateway is a failure.
/// </summary>
internal static class HostileCommandPayloads
{
    /// <summary>Issue 8's six bad commands and the reason each must be dead-lettered with.</summary>
    public static IReadOnlyList<(byte[] Payload, string Reason)> IssueSix() =>
    [
        (Encoding.UTF8.GetBytes("this is not json"), "InvalidJson"),
        (Encoding.UTF8.GetBytes("""{"op":99,"d":{}}"""), "OpNotAllowed"),
        (Encoding.UTF8.GetBytes("""{"op":2,"d":{"token":"worker-token","intents":0,"properties":{}}}"""), "OpNotAllowed"),
        (Encoding.UTF8.GetBytes("""{"op":6,"d":{"token":"worker-token","session_id":"x","seq":1}}"""), "OpNotAllowed"),
        (OversizePresence(5_000), "TooLarge"),
        (Encoding.UTF8.GetBytes("""{"op":1,"d":null}"""), "OpNotAllowed"),
    ];

    /// <summary>A presence update (op 3) padded to <paramref name="size"/> bytes.</summary>
    public static byte[] OversizePresence(int size)
    {
        var head = "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"afk\":false,\"status\":\"";
        return Encoding.UTF8.GetBytes(head + new string('x', size - head.Length - 3) + "\"}}");
    }

    /// <summary><paramref name="count"/> payloads: about a third random bytes, the rest random invalid JSON.</summary>
    public static List<byte[]> Fuzz(int count, int seed)
    {
        var random = new Random(seed);
        var payloads = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            payloads.Add(random.Next(3) == 0 ? RandomBytes(random) : Encoding.UTF8.GetBytes(HostileJson(random)));
        }

        return payloads;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(10) == 0 ? random.Next(4_000, 6_000) : random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static readonly string[] _forbiddenOps = ["0", "1", "2", "5", "6", "7", "9", "10", "11", "99", "-1", "2147483648", "3.5", "1e1", "\"3\"", "null", "true", "[3]", "{}"];
    private static readonly int[] _allowedOps = [3, 4, 8, 31, 43];

    private static string HostileJson(Random random)
    {
        int op = _allowedOps[random.Next(_allowedOps.Length)];
        string data = RandomObject(random, 3);
        return random.Next(9) switch
        {
            0 => RandomValueNotObject(random, 3),
            1 => $"{{\"op\":{_forbiddenOps[random.Next(_forbiddenOps.Length)]},\"d\":{data}}}",
            2 => $"{{\"op\":{op}}}",
            3 => $"{{\"op\":{op},\"d\":{RandomValueNotObject(random, 2)}}}",
            4 => $"{{\"op\":{op},\"op\":{op},\"d\":{data}}}",
            5 => $"{{\"op\":{op},\"d\":{{\"s\":\"{(random.Next(2) == 0 ? "\\ud800" : "\\udfff\\ud800")}\",\"x\":{data}}}}}",
            6 => $"{{\"op\":{op},\"d\":{data}}}{RandomTrailer(random)}",
            7 => $"{{\"op\":{op},\"d\":{data}"[..^random.Next(1, 4)],
            _ => $"{{\"d\":{data},\"x\":{RandomValue(random, 2)}}}",
        };
    }

    private static string RandomTrailer(Random random) => random.Next(4) switch
    {
        0 => "x",
        1 => "{}",
        2 => ",",
        _ => "{\"op\":3,\"d\":{}}",
    };

    private static string RandomValue(Random random, int depth)
        => depth > 0 && random.Next(3) == 0 ? RandomObject(random, depth) : RandomValueNotObject(random, depth);

    private static string RandomValueNotObject(Random random, int depth) => random.Next(depth > 0 ? 7 : 6) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        3 => (random.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture),
        4 => RandomString(random),
        5 => "\"" + new string('y', random.Next(0, 50)) + "\"",
        _ => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth - 1))) + "]",
    };

    private static string RandomObject(Random random, int depth)
        => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(i => $"\"k{i}\":{RandomValue(random, depth - 1)}")) + "}";

    /// <summary>A JSON string of random code points, some escaped, none a lone surrogate.</summary>
    private static string RandomString(Random random)
    {
        var text = new StringBuilder("\"");
        for (int i = random.Next(0, 20); i > 0; i--)
        {
            int kind = random.Next(4);
            if (kind == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{random.Next(0x20, 0xD7FF):x4}");
            }
            else if (kind == 1)
            {
                text.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)));
            }
            else
            {
                char c = (char)random.Next(0x20, 0x7F);
                text.Append(c is '"' or '\\' ? 'z' : c);
            }
        }

        return text.Append('"').ToString();
    }
}
