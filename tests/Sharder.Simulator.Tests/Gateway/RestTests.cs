using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sharder.Simulator.Rest;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-1: the fake <c>/api/gateway</c> and <c>/api/gateway/bot</c> with their fault knobs.</summary>
public sealed class RestTests
{
    private const string Unauthorized = """{"message": "401: Unauthorized", "code": 0}""";

    [Fact]
    public async Task Gateway_needs_no_auth_and_returns_the_bootstrap_url()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(simulator.RestUrl + "/v10/gateway");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$"""{"url":"{{simulator.GatewayUrl}}"}""", await response.Content.ReadAsStringAsync());
        Assert.False(simulator.GatewayUrl.EndsWith('/'));
    }

    [Theory]
    [InlineData("/v10/gateway/bot")]
    [InlineData("/v9/gateway/bot")]
    [InlineData("/gateway/bot")]
    [InlineData("/v10/gateway/bot/")]
    public async Task Gateway_bot_answers_on_every_route_with_the_documented_body(string route)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.MaxConcurrency = 4;
            o.DailyIdentifyTotal = 1000;
        });
        using var http = new HttpClient();

        using var response = await GetAsync(http, simulator.RestUrl + route, "Bot " + simulator.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(["url", "shards", "session_start_limit"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(simulator.GatewayUrl, root.GetProperty("url").GetString());
        Assert.Equal(1, root.GetProperty("shards").GetInt32());
        var limit = root.GetProperty("session_start_limit");
        Assert.Equal(1000, limit.GetProperty("total").GetInt32());
        Assert.Equal(1000, limit.GetProperty("remaining").GetInt32());
        Assert.Equal(0, limit.GetProperty("reset_after").GetInt64());
        Assert.Equal(4, limit.GetProperty("max_concurrency").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bot not-the-token")]
    [InlineData("Bearer sim-token.MTIzNDU2Nzg5MDEyMzQ1Njc4.secret")]
    [InlineData("sim-token.MTIzNDU2Nzg5MDEyMzQ1Njc4.secret")]
    public async Task Gateway_bot_without_a_valid_bot_token_is_401_with_discords_body(string? authorization)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        using var http = new HttpClient();

        using var response = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Unauthorized, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rate_limit_fault_is_429_with_retry_after_header_and_body_then_clears()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.InjectRest(new RestFault(RestFaultKind.TooManyRequests, Count: 2, RetryAfterSeconds: 1.5));
        using var http = new HttpClient();

        for (var i = 0; i < 2; i++)
        {
            using var limited = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("2", Assert.Single(limited.Headers.GetValues("Retry-After")));
            using var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
            Assert.Equal("You are being rate limited.", body.RootElement.GetProperty("message").GetString());
            Assert.Equal(1.5, body.RootElement.GetProperty("retry_after").GetDouble());
            Assert.False(body.RootElement.GetProperty("global").GetBoolean());
        }

        using var after = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Server_error_fault_answers_with_its_status_once(int status)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.InjectRest(new RestFault(RestFaultKind.ServerError, Status: status));
        using var http = new HttpClient();

        using var failed = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);
        using var after = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);

        Assert.Equal(status, (int)failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Slow_fault_delays_the_answer()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        simulator.InjectRest(new RestFault(RestFaultKind.Slow, DelayMs: 300));
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();

        using var response = await GetAsync(http, simulator.RestUrl + "/v10/gateway", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 290, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Trailing_slash_knob_adds_a_slash_to_the_url()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.TrailingSlashInUrl = true);
        using var http = new HttpClient();

        using var gateway = await GetAsync(http, simulator.RestUrl + "/v10/gateway", null);
        using var bot = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);

        Assert.Equal(simulator.GatewayUrl + "/", await UrlAsync(gateway));
        Assert.Equal(simulator.GatewayUrl + "/", await UrlAsync(bot));
    }

    [Theory]
    [InlineData(8, 1000, null, 1)]
    [InlineData(8, 3, null, 3)]
    [InlineData(8, 3, 4, 4)]
    [InlineData(0, 1000, null, 1)]
    public async Task Recommended_shards_is_guilds_over_guilds_per_shard_rounded_up_to_the_multiple(int guilds, int perShard, int? multiple, int expected)
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.World.GuildCount = guilds;
            o.GuildsPerShardRecommendation = perShard;
            o.RequiredShardMultiple = multiple;
        });
        using var http = new HttpClient();

        Assert.Equal(expected, await ShardsAsync(http, simulator));
    }

    [Fact]
    public async Task Recommended_shards_override_changes_between_calls()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        using var http = new HttpClient();

        simulator.SetRecommendedShards(7);
        Assert.Equal(7, await ShardsAsync(http, simulator));
        simulator.SetRecommendedShards(12);
        Assert.Equal(12, await ShardsAsync(http, simulator));
        simulator.SetRecommendedShards(null);
        Assert.Equal(1, await ShardsAsync(http, simulator));
    }

    [Fact]
    public async Task User_agent_is_not_required_but_recorded()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, simulator.RestUrl + "/v10/gateway/bot");
        request.Headers.TryAddWithoutValidation("Authorization", "Bot " + simulator.Token);
        request.Headers.TryAddWithoutValidation("User-Agent", "DiscordBot (https://example.test, 1.0)");

        using var withAgent = await http.SendAsync(request);
        using var withoutAgent = await GetAsync(http, simulator.RestUrl + "/v10/gateway", null);

        Assert.Equal(HttpStatusCode.OK, withAgent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutAgent.StatusCode);
        Assert.Equal(["DiscordBot (https://example.test, 1.0)"], simulator.UserAgents);
    }

    [Fact]
    public async Task Unknown_route_is_404()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        using var http = new HttpClient();

        using var response = await GetAsync(http, simulator.RestUrl + "/v10/users/@me", "Bot " + simulator.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string url, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request);
    }

    private static async Task<string?> UrlAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("url").GetString();
    }

    private static async Task<int> ShardsAsync(HttpClient http, GatewaySimulator simulator)
    {
        using var response = await GetAsync(http, simulator.RestUrl + "/v10/gateway/bot", "Bot " + simulator.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("shards").GetInt32();
    }
}
