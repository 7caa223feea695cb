using System.Text;
using Sharder.Client.Commands;
using SiloRouting = Sharder.Grains.Commands.CommandRouting;
using SiloValidator = Sharder.Grains.Commands.CommandValidator;

namespace Sharder.Client.Tests;

/// <summary>
/// The client's command validator and the silo's must agree on every payload: same verdict, same reason name,
/// same op, same detail; and on every guild id the silo would route by. One corpus, both validators.
/// </summary>
public sealed class CommandValidatorParityTests
{
    private static readonly string[] _handWritten =
    [
        "",
        " ",
        "{}",
        "[]",
        "null",
        "\"text\"",
        "42",
        "true",
        "{\"op\":3,\"d\":{}}",
        "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"online\",\"afk\":false}}",
        "{\"d\":{},\"op\":4}",
        "{\"op\":8,\"d\":{\"guild_id\":\"41771983423143937\",\"query\":\"\",\"limit\":0}}",
        "{\"op\":31,\"d\":{\"guild_ids\":[\"1\"]}}",
        "{\"op\":43,\"d\":{\"guild_id\":\"1\",\"fields\":[\"status\"]}}",
        "{\"op\":1,\"d\":{}}",
        "{\"op\":2,\"d\":{\"token\":\"x\"}}",
        "{\"op\":6,\"d\":{}}",
        "{\"op\":99,\"d\":{}}",
        "{\"op\":-3,\"d\":{}}",
        "{\"op\":3.0,\"d\":{}}",
        "{\"op\":\"3\",\"d\":{}}",
        "{\"op\":null,\"d\":{}}",
        "{\"op\":3}",
        "{\"op\":3,\"d\":[]}",
        "{\"op\":3,\"d\":null}",
        "{\"op\":3,\"d\":\"x\"}",
        "{\"op\":3,\"op\":3,\"d\":{}}",
        "{\"op\":3,\"d\":{},\"d\":{}}",
        "{\"op\":\"x\",\"op\":3,\"d\":{}}",
        "{\"d\":{},\"op\":3,\"d\":1,\"op\":4}",
        "{\"op\":3,\"d\":{}} ",
        "{\"op\":3,\"d\":{}}x",
        "{\"op\":3,\"d\":{}}{}",
        "{\"op\":3,\"d\":{}",
        "{\"op\":3,\"d\":{},}",
        "{'op':3,'d':{}}",
        "{\"op\":3,/*c*/\"d\":{}}",
        "{\"op\":3,\"d\":{\"s\":\"\\ud800\"}}",
        "{\"op\":3,\"d\":{\"s\":\"\\udc00\"}}",
        "{\"op\":3,\"d\":{\"s\":\"\\ud83d\\ude00\"}}",
        "{\"op\":3,\"d\":{\"s\":\"\\ud83d\\u0041\"}}",
        "{\"op\":3,\"d\":{\"s\":\"\\ud83d\"}}",
        "{\"op\":3,\"d\":{\"\\ud800\":1}}",
        "{\"\\ud800\":1,\"op\":3,\"d\":{}}",
        "{\"op\":3,\"x\":\"\\ud800\",\"d\":{}}",
        "{\"op\":3,\"d\":{\"s\":\"\\\\ud800\"}}",
        "{\"op\":3,\"d\":{\"s\":\"\\ud800\"}",
        "{\"o\\u0070\":3,\"d\":{}}",
        "{\"op\":3,\"\\u0064\":{}}",
        "{\"op\":3,\"d\":{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}",
        "{\"op\":2147483648,\"d\":{}}",
        "{\"op\":3e0,\"d\":{}}",
        "\uFEFF{\"op\":3,\"d\":{}}",
        "{\"op\":4,\"d\":{\"guild_id\":41771983423143937,\"channel_id\":null}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"+1\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":\" 1\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"18446744073709551616\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"\\u0031\\u0032\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":-1}}",
        "{\"op\":4,\"d\":{\"guild_id\":1.5}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"1\",\"guild_id\":\"x\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"x\",\"guild_id\":\"1\"}}",
        "{\"op\":4,\"d\":{\"nested\":{\"guild_id\":\"1\"}}}",
        "{\"op\":4,\"guild_id\":\"1\",\"d\":{}}",
        "{\"op\":4,\"d\":{\"guild_id\":\"\"}}",
        "{\"op\":4,\"d\":{\"guild_id\":null}}",
    ];

    public static TheoryData<string> HandWritten() => [.. _handWritten];

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void HandWrittenCorpus_SameVerdicts(string payload) => AssertSame(Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void RawBytes_SameVerdicts()
    {
        byte[][] corpus =
        [
            [0xFF],
            [.. "{\"op\":3,\"d\":{\"s\":\""u8, 0xC3, .. "\"}}"u8],
            [.. "{\"op\":3,\"d\":{\"s\":\""u8, 0xED, 0xA0, 0x80, .. "\"}}"u8],
            [.. "{\"op\":3,\"d\":{\"s\":\""u8, 0xF0, 0x9F, 0x98, 0x80, .. "\"}}"u8],
            [.. "{\"op\":3,\"d\":{\"s\":\""u8, .. new byte[4080].Select(_ => (byte)'a'), .. "\"}}"u8],
            [.. "{\"op\":3,\"d\":{\"s\":\""u8, .. new byte[4090].Select(_ => (byte)'a'), .. "\"}}"u8],
        ];
        foreach (var payload in corpus)
        {
            AssertSame(payload);
        }
    }

    [Fact]
    public void SeededMutations_SameVerdicts()
    {
        var random = new Random(1234);
        string[] seeds = [.. _handWritten.Where(s => s.Length > 0)];
        string[] fragments = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "op", "d", "3", "8", "guild_id", " ", "null", "\"1\"", "\xff"];
        for (int i = 0; i < 5_000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0:
                        text.Insert(at, fragments[random.Next(fragments.Length)]);
                        break;
                    case 1 when at < text.Length:
                        text.Remove(at, Math.Min(random.Next(1, 4), text.Length - at));
                        break;
                    default:
                        text.Insert(at, (char)random.Next(0x20, 0x7F));
                        break;
                }
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (random.Next(20) == 0 && bytes.Length > 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256); // now and then, not UTF-8
            }

            AssertSame(bytes);
        }
    }

    [Fact]
    public void EveryClientReason_IsASiloReason()
    {
        var silo = Enum.GetNames<Sharder.Grains.Commands.CommandRejectReason>();
        Assert.All(Enum.GetNames<CommandRejectReason>(), name => Assert.Contains(name, silo));
    }

    [Fact]
    public void NarrowerAllowList_SameVerdicts()
    {
        var client = new CommandValidator([3, 8]);
        var silo = new SiloValidator([3, 8]);
        foreach (var payload in new[] { "{\"op\":4,\"d\":{}}", "{\"op\":8,\"d\":{}}", "{\"op\":43,\"d\":{}}" })
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            var expected = silo.Validate(bytes);
            var actual = client.Check(bytes);
            Assert.Equal(expected.Reason?.ToString(), actual.Reason?.ToString());
            Assert.Equal(expected.Detail, actual.Detail);
        }
    }

    private static void AssertSame(byte[] payload)
    {
        var silo = new SiloValidator(SiloValidator.GatewayCommandOps).Validate(payload);
        var client = new CommandValidator().Check(payload);
        string shown = Encoding.UTF8.GetString(payload);
        Assert.True(
            silo.Reason?.ToString() == client.Reason?.ToString() && silo.Op == client.Op && silo.Detail == client.Detail,
            $"{shown}: silo {silo.Reason} op {silo.Op} \"{silo.Detail}\", client {client.Reason} op {client.Op} \"{client.Detail}\"");

        bool siloRoutes = SiloRouting.TryReadGuildId(payload, out ulong siloGuild);
        bool clientRoutes = CommandValidator.TryReadGuildId(payload, out ulong clientGuild);
        Assert.True(siloRoutes == clientRoutes && siloGuild == clientGuild, $"{shown}: guild id silo {siloRoutes}/{siloGuild}, client {clientRoutes}/{clientGuild}");

        // The guild-routed check is the silo's pump decision: validate, then route by d.guild_id.
        var routed = new CommandValidator().CheckGuildRouted(payload);
        var expected = silo.IsAccepted && !siloRoutes ? "NoGuildId" : silo.Reason?.ToString();
        Assert.True(expected == routed.Reason?.ToString(), $"{shown}: guild-routed silo {expected}, client {routed.Reason}");
    }
}
