using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sharder.Grains.Options;

namespace Sharder.Grains.Tests.Options;

public sealed class DiscordOptionsTests
{
    private const string Token = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs";

    private readonly DiscordOptionsValidator _validator = new();

    [Theory]
    [InlineData(Token)]
    [InlineData("Bot " + Token)]
    [InlineData("bot  " + Token)]
    [InlineData("  Bot " + Token + "\n")]
    public void The_bot_prefix_and_surrounding_space_are_stripped(string configured)
    {
        Assert.Equal(Token, new DiscordOptions { Token = configured }.Token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bot ")]
    public void A_missing_token_says_discord_token_is_not_set(string? configured)
    {
        var result = _validator.Validate(null, new DiscordOptions { Token = configured });

        Assert.True(result.Failed);
        Assert.StartsWith("DISCORD_TOKEN is not set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc def")]
    [InlineData("abc\u0001def")]
    [InlineData("Bearer abcdef")]
    public void A_malformed_token_is_reported_without_echoing_it(string configured)
    {
        var result = _validator.Validate(null, new DiscordOptions { Token = configured });

        Assert.True(result.Failed);
        Assert.Contains("Discord:Token (DISCORD_TOKEN)", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_point_at_discord_and_need_only_a_token()
    {
        var options = new DiscordOptions { Token = Token };

        Assert.Equal(new Uri("https://discord.com/api"), options.ApiBaseUrl);
        Assert.Null(options.GatewayUrl);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Simulator_addresses_are_valid()
    {
        var options = new DiscordOptions
        {
            Token = Token,
            ApiBaseUrl = new Uri("http://127.0.0.1:5099/api"),
            GatewayUrl = new Uri("ws://127.0.0.1:5099"),
        };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    public static TheoryData<string, Action<DiscordOptions>> BadUrls => new()
    {
        { "Discord:ApiBaseUrl", o => o.ApiBaseUrl = new Uri("wss://discord.com/api") },
        { "Discord:ApiBaseUrl", o => o.ApiBaseUrl = new Uri("https://discord.com/api/v10") },
        { "Discord:ApiBaseUrl", o => o.ApiBaseUrl = new Uri("https://discord.com/api?x=1") },
        { "Discord:ApiBaseUrl", o => o.ApiBaseUrl = null! },
        { "Discord:GatewayUrl", o => o.GatewayUrl = new Uri("https://gateway.discord.gg") },
        { "Discord:GatewayUrl", o => o.GatewayUrl = new Uri("wss://gateway.discord.gg/?v=10") },
    };

    [Theory]
    [MemberData(nameof(BadUrls))]
    public void Bad_urls_are_reported_by_name_with_a_fix(string setting, Action<DiscordOptions> breakIt)
    {
        var options = new DiscordOptions { Token = Token };
        breakIt(options);

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.StartsWith(setting + " ", failure, StringComparison.Ordinal);
        Assert.Contains("set it", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new DiscordOptions { ApiBaseUrl = new Uri("ftp://x"), GatewayUrl = new Uri("http://y") };

        Assert.Equal(3, _validator.Validate(null, options).Failures!.Count());
    }

    [Fact]
    public void ToString_never_contains_the_token()
    {
        var options = new DiscordOptions { Token = "Bot " + Token, GatewayUrl = new Uri("ws://127.0.0.1:5099") };

        var text = options.ToString();

        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..8], text, StringComparison.Ordinal);
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);
        Assert.Contains("ws://127.0.0.1:5099", text, StringComparison.Ordinal);
        Assert.Contains("<not set>", new DiscordOptions().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_comes_from_DISCORD_TOKEN_before_the_section()
    {
        var options = Configure(new()
        {
            ["DISCORD_TOKEN"] = "Bot " + Token,
            ["Discord:Token"] = "other",
            ["Discord:ApiBaseUrl"] = "http://127.0.0.1:5099/api",
            ["Discord:GatewayUrl"] = "ws://127.0.0.1:5099",
        });

        Assert.Equal(Token, options.Token);
        Assert.Equal(new Uri("http://127.0.0.1:5099/api"), options.ApiBaseUrl);
        Assert.Equal(new Uri("ws://127.0.0.1:5099"), options.GatewayUrl);
    }

    [Fact]
    public void The_section_token_is_used_when_the_variable_is_missing()
    {
        var options = Configure(new() { ["Discord:Token"] = Token });

        Assert.Equal(Token, options.Token);
        Assert.Equal(new Uri(DiscordOptions.DEFAULT_API_BASE_URL), options.ApiBaseUrl);
    }

    [Fact]
    public void A_relative_url_in_configuration_is_reported_by_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Configure(new() { ["Discord:ApiBaseUrl"] = "/api" }));

        Assert.Contains("Discord:ApiBaseUrl is \"/api\"", error.Message, StringComparison.Ordinal);
    }

    private static DiscordOptions Configure(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new DiscordOptions();
        new ConfigureDiscordOptions(configuration).Configure(options);
        return options;
    }
}
