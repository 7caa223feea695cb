using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Gateway;
using Sharder.Grains.Hosting;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>The trust-boundary settings bind from environment-style configuration as documented.</summary>
public sealed class GatewayOptionsBindingTests
{
    [Fact]
    public void The_new_gateway_settings_bind_and_validate()
    {
        var options = Bind(new()
        {
            ["Gateway:AllowedResumeHosts:0"] = "resume.example.net",
            ["Gateway:AllowedResumeHosts:1"] = "*.zones.example.net",
            ["Gateway:SinkBufferBytes"] = "1048576",
            ["Gateway:MinHeartbeatInterval"] = "00:00:00.500",
            ["Gateway:MaxHeartbeatInterval"] = "00:02:00",
            ["Gateway:IdentifyFailureBackoffBase"] = "00:00:02",
            ["Gateway:IdentifyFailureBackoffMax"] = "00:01:00",
        });

        Assert.Equal(["resume.example.net", "*.zones.example.net"], options.AllowedResumeHosts);
        Assert.Equal(1_048_576, options.SinkBufferBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.MinHeartbeatInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.IdentifyFailureBackoffBase);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IdentifyFailureBackoffMax);
        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(options.AllowedResumeHosts, options.WithBootstrapUrl(new Uri("wss://gateway.discord.gg")).AllowedResumeHosts);
    }

    [Fact]
    public void A_url_in_the_allow_list_fails_validation_naming_the_setting()
    {
        var options = Bind(new() { ["Gateway:AllowedResumeHosts:0"] = "wss://evil.example" });

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Gateway:AllowedResumeHosts", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_identify_connect_lead_binds_and_is_copied_with_the_bootstrap_url()
    {
        var options = Bind(new() { ["Gateway:IdentifyConnectLead"] = "00:00:01.500" });

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.IdentifyConnectLead);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.WithBootstrapUrl(new Uri("wss://gateway.discord.gg")).IdentifyConnectLead);
        Assert.Equal(TimeSpan.FromSeconds(2), new GatewayOptions().IdentifyConnectLead);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:31")]
    public void An_identify_connect_lead_out_of_range_fails_validation_naming_the_setting(string lead)
    {
        var options = Bind(new() { ["Gateway:IdentifyConnectLead"] = lead });

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Gateway:IdentifyConnectLead", result.FailureMessage, StringComparison.Ordinal);
    }

    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<GatewayOptions>().BindStrictly(configuration.GetSection(GatewayOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }
}
