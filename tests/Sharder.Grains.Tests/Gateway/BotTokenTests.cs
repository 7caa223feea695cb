using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

public sealed class BotTokenTests
{
    [Fact]
    public void ToString_is_redacted_and_Reveal_returns_the_secret()
    {
        var token = new BotToken("Bot abc.def.ghi");

        Assert.Equal("BotToken(redacted)", token.ToString());
        Assert.Equal("BotToken(redacted)", $"{token}");
        Assert.Equal("Bot abc.def.ghi", token.Reveal());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc\r\ndef")]
    public void Rejects_empty_or_control_characters(string value)
    {
        Assert.ThrowsAny<ArgumentException>(() => new BotToken(value));
    }
}
