using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Gateway;
using Sharder.Grains.Hosting;

namespace Sharder.Grains.Tests.Gateway;

/// <summary><c>Gateway:Intents</c> as names and <c>Gateway:Presence:*</c>, bound and validated as the silo does at start.</summary>
public sealed class GatewayIntentsAndPresenceBindingTests
{
    [Theory]
    [InlineData("GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT", 33281UL)]
    [InlineData("1537", 1537UL)]
    [InlineData("Guilds|512", 513UL)]
    public void Intents_bind_from_names_or_numbers(string value, ulong expected)
    {
        var options = Bind(new() { ["Gateway:Intents"] = value, ["Gateway:LargeThreshold"] = "100" });

        Assert.Equal(expected, options.Intents);
        Assert.Equal(100, options.LargeThreshold);
    }

    [Fact]
    public void Intents_unset_keep_the_default()
    {
        Assert.Equal(GatewayOptions.DEFAULT_INTENTS, Bind(new() { ["Gateway:LargeThreshold"] = "100" }).Intents);
    }

    [Fact]
    public void An_unknown_intent_name_stops_start_naming_the_setting_and_the_name()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Gateway:Intents"] = "GUILDS,GUILD_MESAGES" }));

        Assert.Contains("Gateway:Intents", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"GUILD_MESAGES\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_unconvertible_gateway_value_still_names_its_key()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Gateway:LargeThreshold"] = "many" }));

        Assert.Contains("Gateway:LargeThreshold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_presence_binds_validates_and_is_copied_with_the_bootstrap_url()
    {
        var options = Bind(new()
        {
            ["Gateway:Presence:Status"] = "idle",
            ["Gateway:Presence:ActivityName"] = "with shards",
            ["Gateway:Presence:ActivityType"] = "Competing",
        });

        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
        var copy = options.WithBootstrapUrl(new Uri("wss://gateway.discord.gg")).Presence;
        Assert.NotSame(options.Presence, copy);
        using var json = JsonDocument.Parse(copy.ToIdentifyJson());
        Assert.Equal("idle", json.RootElement.GetProperty("status").GetString());
        var activity = json.RootElement.GetProperty("activities")[0];
        Assert.Equal("with shards", activity.GetProperty("name").GetString());
        Assert.Equal(5, activity.GetProperty("type").GetInt32());
    }

    [Fact]
    public void No_presence_settings_mean_no_presence_in_identify()
    {
        var options = Bind(new() { ["Gateway:LargeThreshold"] = "100" });

        Assert.False(options.Presence.IsSet);
        Assert.True(options.Presence.ToIdentifyJson().IsEmpty);
    }

    [Fact]
    public void A_custom_status_is_sent_as_the_activity_state()
    {
        var presence = new GatewayPresenceOptions { ActivityName = "Serving 40 guilds", ActivityType = GatewayActivityType.Custom };

        using var json = JsonDocument.Parse(presence.ToIdentifyJson());

        var activity = json.RootElement.GetProperty("activities")[0];
        Assert.Equal("Serving 40 guilds", activity.GetProperty("state").GetString());
        Assert.Equal(4, activity.GetProperty("type").GetInt32());
        Assert.Equal("online", json.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("Gateway:Presence:Status", "away", "Gateway:Presence:Status")]
    [InlineData("Gateway:Presence:ActivityName", " ", "Gateway:Presence:ActivityName")]
    [InlineData("Gateway:Presence:ActivityType", "Streaming", "Gateway:Presence:ActivityUrl")]
    public void A_bad_presence_fails_validation_naming_the_setting(string key, string value, string named)
    {
        var options = Bind(new() { [key] = value, ["Gateway:Presence:ActivityName"] = key.EndsWith("ActivityName", StringComparison.Ordinal) ? value : "x" });

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_activity_type_stops_start_naming_the_setting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Gateway:Presence:ActivityType"] = "Dancing" }));

        Assert.Contains("Gateway:Presence:ActivityType", ex.Message, StringComparison.Ordinal);
    }

    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<GatewayOptions>().BindGatewayOptions(configuration.GetSection(GatewayOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }
}
