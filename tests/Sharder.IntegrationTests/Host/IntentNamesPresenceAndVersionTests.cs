using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sharder.Silo.Extensions;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// Through the composed host: <c>Gateway:Intents</c> given as names and <c>Gateway:Presence</c> reach the gateway's
/// Identify, the silo logs its version at start and <c>/status</c> shows it; an unknown intent name stops the start.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class IntentNamesPresenceAndVersionTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Named_intents_and_the_presence_reach_identify_and_the_version_is_logged_and_in_status()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions { Token = token, MaxConcurrency = 1 });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        settings["Gateway:Intents"] = "guilds | GUILD_MESSAGES, 4096";
        settings["Gateway:Presence:Status"] = "idle";
        settings["Gateway:Presence:ActivityName"] = "over the shards";
        settings["Gateway:Presence:ActivityType"] = "Watching";
        var logs = new CapturingLoggerProvider();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };

        await using var app = TestSiloHost.Build(settings, _directory, logs);
        await app.StartAsync();
        await simulator.WaitForShardsReadyAsync(1, StartTimeout);
        string? version = null;
        await Eventually.TrueAsync(async () => (version = await StatusVersionAsync(http)) is not null, StartTimeout, "/status answers");
        await app.StopAsync();

        var identify = Assert.Single(simulator.Identifies);
        Assert.Equal("4609", identify.Intents);
        Assert.NotNull(identify.Presence);
        using var presence = JsonDocument.Parse(identify.Presence);
        Assert.Equal("idle", presence.RootElement.GetProperty("status").GetString());
        Assert.Equal("over the shards", presence.RootElement.GetProperty("activities")[0].GetProperty("name").GetString());
        Assert.Equal("0.1.0", version);
        Assert.Contains(logs.Lines, line => line.Contains("Sharder 0.1.0 starting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_intent_name_stops_the_start_naming_the_setting_and_the_name()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", "host-settings-token.MTIzNDU2.sekrit");
        settings["Gateway:Intents"] = "GUILDS,MESSAGE_CONTENTS";
        await using var app = TestSiloHost.Build(settings, _directory);

        var exception = Record.Exception(app.ValidateSharderSettings);

        Assert.True(exception is OptionsValidationException or AggregateException, $"expected a validation failure, got {exception}");
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        Assert.Contains("Gateway:Intents", message, StringComparison.Ordinal);
        Assert.Contains("\"MESSAGE_CONTENTS\"", message, StringComparison.Ordinal);
    }

    private static async Task<string?> StatusVersionAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/status", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return status.RootElement.GetProperty("version").GetString();
    }
}
