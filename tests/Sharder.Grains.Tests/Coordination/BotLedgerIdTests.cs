using Sharder.Grains.Coordination;

namespace Sharder.Grains.Tests.Coordination;

public sealed class BotLedgerIdTests
{
    [Theory]
    [InlineData("ODAzNTExMTAyMjQ2Nzg5MTI.GdKx1c.abcdefghijklmnopqrstuvwxyz0123456789AB", "80351110224678912")]
    [InlineData("ODAzNTExMTAyMjQ2Nzg5MTI=.GdKx1c.secret", "80351110224678912")]
    [InlineData("MTIzNDU2Nzg5MDEyMzQ1Njc4.X.Y", "123456789012345678")]
    public void A_bot_token_gives_its_application_id(string token, string expected)
        => Assert.Equal(expected, BotLedgerId.FromToken(token));

    [Theory]
    [InlineData("sim-token.MTIzNDU2Nzg5MDEyMzQ1Njc4.secret")]
    [InlineData("bm90LWEtbnVtYmVy.x.y")]
    [InlineData("no-dots-at-all")]
    public void Another_token_gives_a_hash_that_does_not_contain_it(string token)
    {
        var id = BotLedgerId.FromToken(token);

        Assert.Matches("^h[0-9a-f]{32}$", id);
        Assert.DoesNotContain(token.Split('.')[0], id, StringComparison.Ordinal);
        Assert.Equal(id, BotLedgerId.FromToken(token));
        Assert.NotEqual(id, BotLedgerId.FromToken(token + "x"));
    }

    [Fact]
    public void Two_tokens_of_one_bot_share_the_ledger_key()
        => Assert.Equal(
            RedisIdentifyLedger.KeyFor("sharder", "ODAzNTExMTAyMjQ2Nzg5MTI.first.secret"),
            RedisIdentifyLedger.KeyFor("sharder", "ODAzNTExMTAyMjQ2Nzg5MTI.regenerated.other"));
}
