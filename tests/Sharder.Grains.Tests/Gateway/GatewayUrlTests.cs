using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

public sealed class GatewayUrlTests
{
    [Theory]
    [InlineData("wss://gateway.discord.gg", "zlib-stream", "wss://gateway.discord.gg/?v=10&encoding=json&compress=zlib-stream")]
    [InlineData("wss://gateway.discord.gg/", "zstd-stream", "wss://gateway.discord.gg/?v=10&encoding=json&compress=zstd-stream")]
    [InlineData("wss://gateway-us-east1-c.discord.gg", "", "wss://gateway-us-east1-c.discord.gg/?v=10&encoding=json")]
    [InlineData("ws://127.0.0.1:5099", "zlib-stream", "ws://127.0.0.1:5099/?v=10&encoding=json&compress=zlib-stream")]
    [InlineData("ws://127.0.0.1:5099/?v=9", "", "ws://127.0.0.1:5099/?v=10&encoding=json")]
    public void Builds_the_connection_url(string baseUrl, string compression, string expected)
    {
        Assert.Equal(expected, GatewayUrl.Build(new Uri(baseUrl), compression).ToString());
    }

    [Theory]
    [InlineData("wss://gateway-us-east1-c.discord.gg", true)]
    [InlineData("ws://127.0.0.1:6000", true)]
    [InlineData("https://discord.com", false)]
    [InlineData("not a url", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Parses_only_websocket_resume_urls(string? url, bool usable)
    {
        Assert.Equal(usable, GatewayUrl.ParseBaseOrNull(url) is not null);
    }
}
