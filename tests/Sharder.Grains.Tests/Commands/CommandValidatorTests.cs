using System.Text;
using Sharder.Grains.Commands;

namespace Sharder.Grains.Tests.Commands;

public sealed class CommandValidatorTests
{
    private readonly CommandValidator _validator = new(CommandPumpOptions.DEFAULT_ALLOWED_OPS);

    [Theory]
    [InlineData("""{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}""", 3)]
    [InlineData("""{"op":4,"d":{"guild_id":"1","channel_id":null,"self_mute":false,"self_deaf":false}}""", 4)]
    [InlineData("""{"op":8,"d":{"guild_id":"1","query":"","limit":0}}""", 8)]
    [InlineData("""{"op":31,"d":{"guild_ids":["1"]}}""", 31)]
    [InlineData("""{"op":43,"d":{"guild_id":"1","fields":["status"]}}""", 43)]
    [InlineData(""" { "d" : {} , "op" : 3 , "s" : null , "t" : null } """, 3)]
    [InlineData("""{"op":3,"d":{"status":"caf\u00e9 \ud83d\ude00"}}""", 3)]
    public void Valid_commands_are_accepted(string json, int op)
    {
        var verdict = _validator.Validate(Encoding.UTF8.GetBytes(json));

        Assert.True(verdict.IsAccepted, verdict.Detail);
        Assert.Equal(op, verdict.Op);
    }

    [Theory]
    [InlineData("", CommandRejectReason.Empty)]
    [InlineData("not json", CommandRejectReason.InvalidJson)]
    [InlineData("""{"op":3,"d":{}}x""", CommandRejectReason.InvalidJson)]
    [InlineData("""{"op":3,"d":{}}{"op":3,"d":{}}""", CommandRejectReason.InvalidJson)]
    [InlineData("""{"op":3,"d":{}""", CommandRejectReason.InvalidJson)]
    [InlineData("""{"op":3,"d":{},}""", CommandRejectReason.InvalidJson)]
    [InlineData("""{"op":3,/*c*/"d":{}}""", CommandRejectReason.InvalidJson)]
    [InlineData("""[{"op":3,"d":{}}]""", CommandRejectReason.NotAnObject)]
    [InlineData("3", CommandRejectReason.NotAnObject)]
    [InlineData("\"x\"", CommandRejectReason.NotAnObject)]
    [InlineData("""{"d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":"3","d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":3.0,"d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":3e0,"d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":99999999999,"d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":null,"d":{}}""", CommandRejectReason.MissingOp)]
    [InlineData("""{"op":1,"d":null}""", CommandRejectReason.OpNotAllowed)]
    [InlineData("""{"op":2,"d":{"token":"x"}}""", CommandRejectReason.OpNotAllowed)]
    [InlineData("""{"op":6,"d":{}}""", CommandRejectReason.OpNotAllowed)]
    [InlineData("""{"op":99,"d":{}}""", CommandRejectReason.OpNotAllowed)]
    [InlineData("""{"op":-3,"d":{}}""", CommandRejectReason.OpNotAllowed)]
    [InlineData("""{"op":3}""", CommandRejectReason.MissingData)]
    [InlineData("""{"op":3,"d":null}""", CommandRejectReason.MissingData)]
    [InlineData("""{"op":3,"d":[]}""", CommandRejectReason.MissingData)]
    [InlineData("""{"op":3,"op":2,"d":{}}""", CommandRejectReason.DuplicateField)]
    [InlineData("""{"op":3,"d":{},"d":{}}""", CommandRejectReason.DuplicateField)]
    [InlineData("""{"op":3,"d":{"status":"\ud800"}}""", CommandRejectReason.LoneSurrogate)]
    [InlineData("""{"op":3,"d":{"status":"\udc00\ud800"}}""", CommandRejectReason.LoneSurrogate)]
    [InlineData("""{"op":3,"d":{"a":["\ud83dx"]}}""", CommandRejectReason.LoneSurrogate)]
    [InlineData("""{"op":8,"d":{"guild_id":"\ud800"}}""", CommandRejectReason.LoneSurrogate)]
    [InlineData("""{"o\ud800p":3,"d":{}}""", CommandRejectReason.LoneSurrogate)]
    public void Bad_commands_are_rejected_with_their_reason(string json, CommandRejectReason reason)
    {
        var verdict = _validator.Validate(Encoding.UTF8.GetBytes(json));

        Assert.Equal(reason, verdict.Reason);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Detail));
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        byte[] payload = [.. "{\"op\":3,\"d\":{\"s\":\""u8, 0xC3, 0x28, .. "\"}}"u8];

        Assert.Equal(CommandRejectReason.InvalidUtf8, _validator.Validate(payload).Reason);
        Assert.Equal(CommandRejectReason.InvalidUtf8, _validator.Validate([0xED, 0xA0, 0x80]).Reason);
    }

    [Fact]
    public void Size_limit_is_4096_bytes()
    {
        var head = "{\"op\":3,\"d\":{\"status\":\""u8.ToArray();
        var tail = "\"}}"u8.ToArray();

        byte[] Of(int size) => [.. head, .. Enumerable.Repeat((byte)'x', size - head.Length - tail.Length), .. tail];

        Assert.True(_validator.Validate(Of(4096)).IsAccepted);
        var verdict = _validator.Validate(Of(4097));
        Assert.Equal(CommandRejectReason.TooLarge, verdict.Reason);
        Assert.Contains("4097", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_rejected_not_thrown()
    {
        var deep = "{\"op\":3,\"d\":" + new string('[', 200) + new string(']', 200) + "}";

        Assert.Equal(CommandRejectReason.InvalidJson, _validator.Validate(Encoding.UTF8.GetBytes(deep)).Reason);
    }

    [Fact]
    public void A_narrower_allow_list_is_honoured()
    {
        var validator = new CommandValidator([3]);

        Assert.True(validator.Validate("""{"op":3,"d":{}}"""u8).IsAccepted);
        Assert.Equal(CommandRejectReason.OpNotAllowed, validator.Validate("""{"op":8,"d":{}}"""u8).Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(99)]
    public void An_allow_list_with_the_shards_own_or_unknown_ops_is_refused(int op)
        => Assert.Throws<ArgumentException>(() => new CommandValidator([3, op]));

    [Fact]
    public void Random_bytes_and_mutated_commands_never_throw()
    {
        var random = new Random(8);
        var seed = """{"op":8,"d":{"guild_id":"41771983423143937","query":"\u00e9\ud83d\ude00","limit":0,"n":[1,2.5,true,null]}}"""u8.ToArray();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] payload;
            if (i % 2 == 0)
            {
                payload = new byte[random.Next(0, 64)];
                random.NextBytes(payload);
            }
            else
            {
                payload = [.. seed];
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    payload[random.Next(payload.Length)] = (byte)random.Next(256);
                }
            }

            var verdict = _validator.Validate(payload);
            Assert.False(string.IsNullOrEmpty(verdict.Detail));
        }
    }

    [Theory]
    [InlineData("\\ud83d\\ude00", false)]
    [InlineData("\\ud800", true)]
    [InlineData("\\udc00", true)]
    [InlineData("\\ud83d\\u0041", true)]
    [InlineData("\\\\ud800", false)]
    [InlineData("\\u0041\\n", false)]
    public void Lone_surrogate_scan(string raw, bool expected)
        => Assert.Equal(expected, CommandValidator.HasLoneSurrogate(Encoding.ASCII.GetBytes(raw)));
}
