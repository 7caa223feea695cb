using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sharder.Silo.Health;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Host;

/// <summary>The composed host against a real redis-server and the in-process simulator.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class HostStartupTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Starts_answers_health_status_and_dashboard_stops_gracefully_and_never_logs_the_token()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions { Token = token, MaxConcurrency = 1 });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, $"Bot {token}");
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        var logs = new CapturingLoggerProvider();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };

        await using (var app = TestSiloHost.Build(settings, _directory, logs))
        {
            await app.StartAsync();

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            await Eventually.TrueAsync(
                async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                StartTimeout,
                "/readyz answers 200");
            await simulator.WaitForShardsReadyAsync(1, StartTimeout);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/dashboard/", UriKind.Relative))).StatusCode);
            await Eventually.TrueAsync(
                async () => await ShardStateAsync(http) == "Active",
                StartTimeout,
                "/status reports shard 0 Active");

            await app.StopAsync();
        }

        Assert.Contains(logs.Lines, line => line.Contains("is active in cluster", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("sekrit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redis_readiness_follows_whether_redis_answers_ping()
    {
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, "sim-token.unused.sekrit");
        await using var reachable = TestSiloHost.Build(settings, _directory);
        settings["REDIS_ADDR"] = $"127.0.0.1:{TestSiloHost.FreePort()}";
        await using var unreachable = TestSiloHost.Build(settings, _directory);

        var up = await reachable.Services.GetRequiredService<RedisHealthCheck>().CheckHealthAsync(new HealthCheckContext());
        var down = await unreachable.Services.GetRequiredService<RedisHealthCheck>().CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
    }

    private static async Task<string?> ShardStateAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/status", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var shards = status.RootElement.GetProperty("shards");
        return shards.GetArrayLength() == 1 ? shards[0].GetProperty("state").GetString() : null;
    }
}
