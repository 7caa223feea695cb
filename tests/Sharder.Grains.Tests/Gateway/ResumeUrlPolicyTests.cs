using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ResumeUrlPolicyTests
{
    private static readonly Uri s_discord = new("wss://gateway.discord.gg");
    private static readonly Uri s_simulator = new("ws://127.0.0.1:5099");

    [Theory]
    [InlineData("wss://gateway.discord.gg")]
    [InlineData("wss://gateway.discord.gg/")]
    [InlineData("wss://gateway-us-east1-b.discord.gg")]
    [InlineData("wss://GATEWAY-US-EAST1-C.DISCORD.GG")]
    [InlineData("wss://eu.gateway.discord.gg")]
    [InlineData("wss://gateway-us-east1-b.discord.gg:443/")]
    public void Discord_gateway_hosts_over_wss_are_trusted(string url)
    {
        Assert.NotNull(ResumeUrlPolicy.Check(url, s_discord, [], out var rejection));
        Assert.Null(rejection);
    }

    [Theory]
    [InlineData("ws://gateway-us-east1-b.discord.gg", "ws://")]
    [InlineData("wss://evil.example", "evil.example")]
    [InlineData("wss://gateway.discord.gg.evil.example", "gateway.discord.gg.evil.example")]
    [InlineData("wss://evilgateway.discord.gg.example", "evilgateway.discord.gg.example")]
    [InlineData("wss://discord.gg", "discord.gg")]
    [InlineData("wss://cdn.discord.gg", "cdn.discord.gg")]
    [InlineData("wss://notgateway.discord.gg", "notgateway.discord.gg")]
    [InlineData("https://gateway.discord.gg", "https")]
    [InlineData("wss://user:pass@gateway.discord.gg", "user information")]
    [InlineData("gateway.discord.gg", "not an absolute URL")]
    [InlineData("wss://127.0.0.1:5099", "127.0.0.1")]
    public void Anything_else_is_refused_with_a_reason_naming_at_most_the_host(string url, string expected)
    {
        Assert.Null(ResumeUrlPolicy.Check(url, s_discord, [], out var rejection));
        Assert.NotNull(rejection);
        Assert.Contains(expected, rejection, StringComparison.Ordinal);
        Assert.DoesNotContain("pass", rejection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void No_url_is_refused(string? url)
    {
        Assert.Null(ResumeUrlPolicy.Check(url, s_discord, [], out var rejection));
        Assert.NotNull(rejection);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5100", true)]
    [InlineData("ws://127.0.0.1:5099/resume", true)]
    [InlineData("wss://127.0.0.1:5100", true)]
    [InlineData("ws://127.0.0.2:5100", false)]
    [InlineData("ws://localhost:5100", false)]
    [InlineData("wss://gateway-us-east1-b.discord.gg", true)]
    public void The_bootstrap_host_is_trusted_on_any_port(string url, bool trusted)
    {
        Assert.Equal(trusted, ResumeUrlPolicy.Check(url, s_simulator, [], out _) is not null);
    }

    [Fact]
    public void Plain_ws_is_refused_for_the_bootstrap_host_when_the_bootstrap_is_wss()
    {
        var bootstrap = new Uri("wss://proxy.example");

        Assert.NotNull(ResumeUrlPolicy.Check("wss://proxy.example:8443", bootstrap, [], out _));
        Assert.Null(ResumeUrlPolicy.Check("ws://proxy.example:8080", bootstrap, [], out var rejection));
        Assert.Contains("ws://", rejection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wss://resume.example", "resume.example", true)]
    [InlineData("wss://RESUME.example", "resume.example", true)]
    [InlineData("wss://zone-a.resume.example", "*.resume.example", true)]
    [InlineData("wss://resume.example", "*.resume.example", false)]
    [InlineData("wss://evilresume.example", "*.resume.example", false)]
    [InlineData("wss://other.example", "resume.example", false)]
    [InlineData("wss://[::1]:9000", "::1", true)]
    public void The_allow_list_adds_hosts(string url, string allowed, bool trusted)
    {
        Assert.Equal(trusted, ResumeUrlPolicy.Check(url, s_discord, [allowed], out _) is not null);
    }

    [Fact]
    public void An_allowed_host_over_plain_ws_needs_a_ws_bootstrap()
    {
        Assert.Null(ResumeUrlPolicy.Check("ws://resume.example", s_discord, ["resume.example"], out _));
        Assert.NotNull(ResumeUrlPolicy.Check("ws://resume.example", s_simulator, ["resume.example"], out _));
    }

    [Theory]
    [InlineData("resume.example", true)]
    [InlineData("*.resume.example", true)]
    [InlineData("10.0.0.7", true)]
    [InlineData("::1", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("wss://resume.example", false)]
    [InlineData("resume.example:443", false)]
    [InlineData("resume.example/path", false)]
    [InlineData("*", false)]
    [InlineData("*.*.example", false)]
    public void Allow_list_entries_are_bare_hosts(string entry, bool valid)
    {
        Assert.Equal(valid, ResumeUrlPolicy.IsValidAllowedHost(entry));
    }
}
