using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// The HTTP port of a running host with <c>SHARDER_HTTP_TOKEN</c> set: health probes open, everything else
/// (status, dashboard and its API, unknown routes) 401 with a Bearer challenge until the token is presented.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class HttpTokenTests(RedisServerFixture redis) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string HttpToken = "http-token-0123456789abcdef.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-http-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Health_stays_open_status_and_dashboard_need_the_token_and_the_port_listens_on_loopback()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions { Token = token, MaxConcurrency = 1 });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        settings["SHARDER_HTTP_TOKEN"] = HttpToken;
        var logs = new CapturingLoggerProvider();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["SHARDER_HTTP_PORT"]}") };

        await using var app = TestSiloHost.Build(settings, _directory, logs);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.All(addresses, address => Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/healthz", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/healthz/", null)).StatusCode);
        await Eventually.TrueAsync(
            async () => (await GetAsync(http, "/readyz", null)).StatusCode == HttpStatusCode.OK, StartTimeout, "/readyz answers 200 without the token");
        await simulator.WaitForShardsReadyAsync(1, StartTimeout);

        foreach (var path in new[] { "/status", "/dashboard/", "/dashboard/DashboardCounters", "/no-such-route", "/healthz/../status" })
        {
            using var refused = await GetAsync(http, path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains(refused.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
            using var wrong = await GetAsync(http, path, new AuthenticationHeaderValue("Bearer", HttpToken + "x"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var status = await GetAsync(http, "/status", new AuthenticationHeaderValue("Bearer", HttpToken));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var dashboard = await GetAsync(http, "/dashboard/", new AuthenticationHeaderValue("Bearer", HttpToken));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"anyone:{HttpToken}"));
        using var browser = await GetAsync(http, "/dashboard/", new AuthenticationHeaderValue("Basic", basic));
        Assert.Equal(HttpStatusCode.OK, browser.StatusCode);

        await app.StopAsync();
        Assert.DoesNotContain(logs.Lines, line => line.Contains(HttpToken, StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }
}
