using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sharder.IntegrationTests.Host;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Resharding;

/// <summary>
/// <c>/admin/reshard</c> on a running one-silo host: token-protected, 400 without a usable total, 409 with the
/// budget figures when Discord's session-start budget cannot pay for the run (and nothing changes), 404 for GET
/// and DELETE while no run ever ran.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ReshardAdminRouteTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string AdminToken = "admin-token-fedcba9876543210.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-reshard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_run_over_budget_is_refused_with_409_and_the_figures_and_nothing_changes()
    {
        await using var simulator = new GatewaySimulator(new SimulatorOptions
        {
            Token = $"sim-token.{Guid.NewGuid():N}.sekrit",
            MaxConcurrency = 1,
            DailyIdentifyTotal = 15,
        });
        await simulator.StartAsync();
        var prefix = $"reshard-admin-{Guid.NewGuid():N}";
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, simulator.Token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        settings["SHARDER_ADMIN_TOKEN"] = AdminToken;
        settings["Redis:Output:KeyPrefix"] = prefix;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };
        await using var app = TestSiloHost.Build(settings, _directory);
        await app.StartAsync();
        await Eventually.TrueAsync(async () => (await SendAsync(http, HttpMethod.Get, "/readyz", null, null)).StatusCode == HttpStatusCode.OK, StartTimeout, "the silo is ready");
        await simulator.WaitForShardsReadyAsync(1, StartTimeout);
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var before = await ShardingAsync(connection.GetDatabase(), prefix);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Post, "/admin/reshard", """{"total":2}""", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, HttpMethod.Post, "/admin/reshard", "{}", AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, HttpMethod.Post, "/admin/reshard", """{"total":1}""", AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, "/admin/reshard", null, AdminToken)).StatusCode);

        // 14 of 15 starts remain with a coordinator reserve of 10; 13 shards need 13 + 2.
        using var refused = await SendAsync(http, HttpMethod.Post, "/admin/reshard", """{"total":13}""", AdminToken);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using (var document = JsonDocument.Parse(body))
        {
            Assert.Equal("insufficient_budget", document.RootElement.GetProperty("error").GetString());
            var message = document.RootElement.GetProperty("message").GetString();
            Assert.Contains("needs 15 session starts", message, StringComparison.Ordinal);
            Assert.Contains("14 remain", message, StringComparison.Ordinal);
            Assert.Contains("resets at", message, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, "/admin/reshard", null, AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Delete, "/admin/reshard", null, AdminToken)).StatusCode);
        Assert.Equal(before, await ShardingAsync(connection.GetDatabase(), prefix));
        Assert.Single(simulator.Identifies);

        await app.StopAsync();
    }

    private static async Task<string> ShardingAsync(IDatabase database, string prefix)
        => string.Join(",", (await database.HashGetAllAsync($"{prefix}:sharding")).OrderBy(e => (string?)e.Name).Select(e => $"{e.Name}={e.Value}"));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? json, string? bearer)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request);
    }
}
