using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sharder.IntegrationTests.Host;
using Sharder.Simulator;
using Sharder.Simulator.Events;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Observability;

/// <summary>
/// The shard status page at <c>/</c>, rendered by headless Chromium against an in-process silo running three shards
/// on the simulator: one row per shard with the state <c>/status</c> reports, the identify budget, the silo, and
/// a link to the Dashboard.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed partial class StatusPageTests(RedisServerFixture redis) : IDisposable
{
    private const int Shards = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-status-page-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Chromium_renders_a_row_per_shard_with_its_state()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions
        {
            Token = token,
            MaxConcurrency = Shards,
            HeartbeatIntervalMs = 2_000,
        });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        // Its own keys: a checkpoint another test left for shard 0 would make it resume at a simulator long gone.
        settings["Redis:Output:KeyPrefix"] = $"status-page-{Guid.NewGuid():N}";
        settings["Gateway:Intents"] = "513"; // GUILDS | GUILD_MESSAGES: the load below is messages
        settings["DISCORD_SHARD_TOTAL"] = Shards.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var baseUri = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}/");
        using var http = new HttpClient { BaseAddress = baseUri };

        var logs = new CapturingLoggerProvider();
        await using var app = TestSiloHost.Build(settings, _directory, logs);
        await app.StartAsync();
        try
        {
            await simulator.WaitForShardsReadyAsync(Shards, StartTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Silo log (warnings and above):\n{string.Join('\n', logs.Lines.Where(static l => l.StartsWith("Warning Sharder", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Information Sharder", StringComparison.Ordinal)).Take(60))}", ex);
        }

        await Eventually.TrueAsync(
            async () => (await ShardStatesAsync(http)).Count(static s => s == "Active") == Shards,
            StartTimeout,
            $"/status reports {Shards} shards Active");
        simulator.StartLoad(30, new EventMix { MessageCreate = 1, PresenceUpdate = 0, TypingStart = 0 });

        var dom = await HeadlessChromium.DumpDomAsync(baseUri, TimeSpan.FromSeconds(5));

        var rows = ShardRow().Matches(dom).Select(static m => (Shard: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), State: m.Groups[2].Value)).ToList();
        Assert.True(rows.Count == Shards, $"Expected {Shards} shard rows in the rendered page, found {rows.Count}:\n{dom}");
        Assert.Equal(Enumerable.Range(0, Shards), rows.Select(static r => r.Shard));
        Assert.All(rows, static row => Assert.Equal("Active", row.State));
        Assert.Contains("data-loaded=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains($"{Shards} of {Shards} shards active", dom, StringComparison.Ordinal);
        Assert.Matches(SiloRow(), dom);
        Assert.Contains("Remaining today", dom, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/\"", dom, StringComparison.Ordinal);

        var screenshot = Path.Combine(_directory, "status-page.png");
        await HeadlessChromium.ScreenshotAsync(baseUri, TimeSpan.FromSeconds(5), screenshot, 1400, 560);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "chromium wrote no PNG screenshot");
        if (Environment.GetEnvironmentVariable("SHARDER_STATUS_PAGE_SCREENSHOT") is { Length: > 0 } keep)
        {
            // How docs/status-page.png is refreshed: run this test with the variable set to that path.
            File.Copy(screenshot, keep, overwrite: true);
        }

        await app.StopAsync();
    }

    private static async Task<List<string?>> ShardStatesAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/status", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. status.RootElement.GetProperty("shards").EnumerateArray().Select(static s => s.GetProperty("state").GetString())];
    }

    [GeneratedRegex("<tr data-shard=\"(\\d+)\" data-state=\"(\\w+)\">")]
    private static partial Regex ShardRow();

    [GeneratedRegex("<tr data-silo=\"[^\"]+\"><td>[^<]+</td><td class=\"num\">" + "3" + "</td></tr>")]
    private static partial Regex SiloRow();
}
