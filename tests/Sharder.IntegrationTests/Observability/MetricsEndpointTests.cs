using System.Net;
using System.Net.Http.Headers;
using Sharder.IntegrationTests.Host;
using Sharder.Simulator;
using Sharder.Simulator.Events;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Observability;

/// <summary>
/// <c>/metrics</c> of a running host with one shard connected to the simulator: the <c>sharder_*</c> families with
/// live values, Orleans' meter beside them, and the same HTTP token as <c>/status</c>.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class MetricsEndpointTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string HttpToken = "metrics-token-0123456789abcdef";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-metrics-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_scrape_shows_the_sharder_families_with_live_values_and_needs_the_token()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions
        {
            Token = token,
            MaxConcurrency = 1,
            HeartbeatIntervalMs = 2_000,
        });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        // Its own keys: a checkpoint another test left for shard 0 would make it resume at a simulator long gone.
        settings["Redis:Output:KeyPrefix"] = $"metrics-{Guid.NewGuid():N}";
        settings["SHARDER_HTTP_TOKEN"] = HttpToken;
        settings["Gateway:Intents"] = "513"; // GUILDS | GUILD_MESSAGES
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };

        await using var app = TestSiloHost.Build(settings, _directory);
        await app.StartAsync();
        await simulator.WaitForShardsReadyAsync(1, StartTimeout);
        simulator.EmitMany(50, new EventMix { MessageCreate = 1, PresenceUpdate = 0, TypingStart = 0 });

        using (var anonymous = await GetAsync(http, "/metrics", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var page = await GetAsync(http, "/", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        }

        // Heartbeats every 2 s: the RTT gauge appears after the first ACK. READY, the GUILD_CREATEs and 50 more events.
        PrometheusScrape? scrape = null;
        var live = Eventually.TrueAsync(
            async () =>
            {
                scrape = await ScrapeAsync(http);
                return scrape.Value("sharder_events_published_total", "shard=\"0\"") >= 52
                    && scrape.Value("sharder_gateway_heartbeat_rtt_seconds", "shard=\"0\"") is not null;
            },
            StartTimeout,
            "/metrics counts the published events of shard 0 and shows its heartbeat RTT");
        try
        {
            await live;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last scrape:\n{scrape?.Text}", ex);
        }

        Assert.NotNull(scrape);
        Assert.True(scrape.Value("sharder_events_published_by_type_total", "type=\"MESSAGE_CREATE\"") >= 50, scrape.Text);
        Assert.True(scrape.Value("sharder_events_published_by_type_total", "type=\"READY\"") >= 1, scrape.Text);
        Assert.True(scrape.Value("sharder_gateway_heartbeat_rtt_seconds", "shard=\"0\"") >= 0);
        Assert.Equal(1, scrape.Value("sharder_gateway_shard_state", "shard=\"0\"", "state=\"Active\""));
        Assert.True(scrape.Value("sharder_gateway_identifies_total", "shard=\"0\"") >= 1, scrape.Text);
        Assert.True(scrape.Value("sharder_coordinator_identify_budget_remaining") is null or > 0, scrape.Text);
        // Events buffered while a push is in flight share the next push: count the events, not the pushes.
        Assert.True(scrape.Value("sharder_publish_batch_size_sum", "shard=\"0\"") >= 52, scrape.Text);
        Assert.True(scrape.Value("sharder_publish_latency_seconds_count", "shard=\"0\"") >= 1, scrape.Text);
        Assert.True(scrape.Value("sharder_gateway_to_redis_latency_seconds_count") >= 52, scrape.Text);
        Assert.True(scrape.Value("sharder_gateway_to_redis_latency_seconds_bucket", "le=\"+Inf\"") >= 52, scrape.Text);
        Assert.True(scrape.Value("sharder_sink_list_length") >= 1, scrape.Text);
        Assert.Equal(1, scrape.Value("sharder_shard_activations_total"));
        Assert.Equal(1, scrape.Value("sharder_shard_hosted"));
        Assert.True(scrape.Value("sharder_coordinator_identify_grants_total") >= 1, scrape.Text);
        Assert.True(scrape.Names.Any(static name => name.StartsWith("orleans_", StringComparison.Ordinal)), string.Join(", ", scrape.Names));
        await app.StopAsync();
    }

    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient http)
    {
        using var response = await GetAsync(http, "/metrics", new AuthenticationHeaderValue("Bearer", HttpToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }
}
