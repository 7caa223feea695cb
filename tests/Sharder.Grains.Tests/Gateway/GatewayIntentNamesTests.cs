using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

/// <summary><c>Gateway:Intents</c> written as Discord's names, numbers or both.</summary>
public sealed class GatewayIntentNamesTests
{
    [Theory]
    [InlineData("GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT", 1UL | 512 | 32768)]
    [InlineData("guilds | guild_messages", 1UL | 512)]
    [InlineData("GUILDS,512", 1UL | 512)]
    [InlineData("1537", 1537UL)]
    [InlineData(" 1 | 4096 ", 1UL | 4096)]
    [InlineData("GUILD_BANS,GUILD_MODERATION", 4UL)]
    [InlineData("GUILD_EMOJIS_AND_STICKERS", 8UL)]
    [InlineData("AUTO_MODERATION_EXECUTION,DIRECT_MESSAGE_POLLS", (1UL << 21) | (1UL << 25))]
    public void Names_and_numbers_are_ored_together(string text, ulong expected)
    {
        Assert.True(GatewayIntentNames.TryParse(text, out var intents, out _));
        Assert.Equal(expected, intents);
    }

    [Fact]
    public void Every_documented_name_together_is_the_sum_of_the_documented_bits()
    {
        Assert.True(GatewayIntentNames.TryParse(string.Join(",", GatewayIntentNames.Bits.Keys), out var intents, out _));

        Assert.Equal(0x331FFFFUL, intents);
    }

    [Theory]
    [InlineData("GUILDS,GUILD_MESAGES", "GUILD_MESAGES")]
    [InlineData("GUILDS,,512", "")]
    [InlineData("", "")]
    [InlineData("-1", "-1")]
    [InlineData("0x200", "0x200")]
    public void An_unknown_entry_is_reported(string text, string bad)
    {
        Assert.False(GatewayIntentNames.TryParse(text, out var intents, out var reported));
        Assert.Equal(bad, reported);
        Assert.Equal(0UL, intents);
    }
}
