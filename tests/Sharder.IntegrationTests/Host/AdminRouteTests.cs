using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// The <c>/admin/</c> routes of a running one-silo host: off (404) without <c>SHARDER_ADMIN_TOKEN</c>; with it,
/// 401 without it, with a wrong one or with the HTTP token; with it, they reach the supervisor (one silo: a
/// drain or a move has nowhere to go, an unknown shard is 404, ensure counts the shards).
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class AdminRouteTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string HttpToken = "http-token-0123456789abcdef.sekrit";
    private const string AdminToken = "admin-token-fedcba9876543210.sekrit";
    private static readonly string[] AdminPaths = ["/admin/shards/ensure", "/admin/shards/0/move", "/admin/silos/self/drain"];

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-admin-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Without_an_admin_token_the_admin_routes_are_off()
    {
        await using var simulator = await StartSimulatorAsync();
        var settings = Settings(simulator);
        using var http = Client(settings);
        await using var app = TestSiloHost.Build(settings, _directory);
        await app.StartAsync();
        await Eventually.TrueAsync(async () => (await PostAsync(http, "/readyz", null, HttpMethod.Get)).StatusCode == HttpStatusCode.OK, StartTimeout, "the silo is ready");

        foreach (var path in AdminPaths)
        {
            using var open = await PostAsync(http, path, null);
            Assert.Equal(HttpStatusCode.NotFound, open.StatusCode);
            Assert.Contains("SHARDER_ADMIN_TOKEN", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await app.StopAsync();
    }

    [Fact]
    public async Task With_an_admin_token_the_routes_need_it_and_reach_the_supervisor()
    {
        await using var simulator = await StartSimulatorAsync();
        var settings = Settings(simulator);
        settings["SHARDER_HTTP_TOKEN"] = HttpToken;
        settings["SHARDER_ADMIN_TOKEN"] = AdminToken;
        var logs = new CapturingLoggerProvider();
        using var http = Client(settings);
        await using var app = TestSiloHost.Build(settings, _directory, logs);
        await app.StartAsync();
        await Eventually.TrueAsync(async () => (await PostAsync(http, "/readyz", null, HttpMethod.Get)).StatusCode == HttpStatusCode.OK, StartTimeout, "the silo is ready");
        await simulator.WaitForShardsReadyAsync(1, StartTimeout);

        foreach (var path in AdminPaths)
        {
            foreach (var wrong in new[] { null, AdminToken + "x", HttpToken })
            {
                using var refused = await PostAsync(http, path, wrong);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Contains(refused.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
            }
        }

        // The admin token opens only /admin/: the rest still wants the HTTP token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, "/status", AdminToken, HttpMethod.Get)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/status", HttpToken, HttpMethod.Get)).StatusCode);

        using var ensure = await PostAsync(http, "/admin/shards/ensure", AdminToken);
        Assert.Equal(HttpStatusCode.OK, ensure.StatusCode);
        using (var body = JsonDocument.Parse(await ensure.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, body.RootElement.GetProperty("shardTotal").GetInt32());
            Assert.Equal(1, body.RootElement.GetProperty("shards").GetInt32());
        }

        using var drain = await PostAsync(http, "/admin/silos/self/drain", AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, drain.StatusCode);
        using (var body = JsonDocument.Parse(await drain.Content.ReadAsStringAsync()))
        {
            Assert.Equal("NoOtherSilo", body.RootElement.GetProperty("outcome").GetString());
        }

        using var byEndpoint = await PostAsync(http, $"/admin/silos/127.0.0.1:{settings["SHARDER_SILO_PORT"]}/drain", AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, byEndpoint.StatusCode);

        using var move = await PostAsync(http, "/admin/shards/0/move", AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, move.StatusCode);
        Assert.Contains("NoTarget", await move.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, "/admin/shards/7/move", AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, "/admin/shards/0/move?to=10.9.9.9:1234", AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, "/admin/silos/10.9.9.9:1234/drain", AdminToken)).StatusCode);

        await app.StopAsync();
        Assert.DoesNotContain(logs.Lines, line => line.Contains(AdminToken, StringComparison.Ordinal));
    }

    private static async Task<GatewaySimulator> StartSimulatorAsync()
    {
        var simulator = new GatewaySimulator(new SimulatorOptions { Token = $"sim-token.{Guid.NewGuid():N}.sekrit", MaxConcurrency = 1 });
        await simulator.StartAsync();
        return simulator;
    }

    private Dictionary<string, string?> Settings(GatewaySimulator simulator)
    {
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, simulator.Token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        return settings;
    }

    private static HttpClient Client(Dictionary<string, string?> settings)
        => new() { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string? bearer, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request);
    }
}
