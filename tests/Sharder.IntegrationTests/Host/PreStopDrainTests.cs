using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sharder.Simulator;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// deploy/kubernetes/prestop-drain.sh, run for real against two silo hosts of one cluster: it drains the silo it
/// runs beside through <c>/admin/silos/self/drain</c> and returns only once <c>/status</c> shows every shard Active
/// on the other silo, each resumed there (a migration, not an Identify); the drained silo then stops with
/// nothing to hand off.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class PreStopDrainTests(RedisServerFixture redis, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string HttpToken = "http-token-0123456789abcdef.sekrit";
    private const string AdminToken = "admin-token-fedcba9876543210.sekrit";
    private const int Shards = 2;

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-prestop-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_prestop_hook_returns_once_the_silo_runs_no_shard_and_they_resumed_elsewhere()
    {
        await using var simulator = new GatewaySimulator(new SimulatorOptions { Token = $"sim-token.{Guid.NewGuid():N}.sekrit", MaxConcurrency = 1 });
        await simulator.StartAsync();
        var clusterId = $"prestop-{Guid.NewGuid():N}";
        await using var leaving = await StartHostAsync(simulator, clusterId, "a");
        using var leavingHttp = Client(leaving.Port);
        await using var staying = await StartHostAsync(simulator, clusterId, "b");
        using var stayingHttp = Client(staying.Port);
        await simulator.WaitForShardsReadyAsync(Shards, Timeout);

        // Both silos Active and every shard Active; then shard 0 is put on the leaving silo, so it has one to give up.
        await Eventually.TrueAsync(
            async () => await StatusAsync(stayingHttp) is { } s && s.ActiveSilos == 2 && s.Shards.All(static x => x.State == "Active"),
            Timeout,
            "both silos are Active and every shard is Active");
        using (var move = await PostAsync(leavingHttp, "/admin/shards/0/move?to=self"))
        {
            Assert.True(move.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"move answered {move.StatusCode}");
        }

        var leavingSilo = leaving.App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        await Eventually.TrueAsync(
            async () => (await StatusAsync(stayingHttp))!.Shards.Any(s => s.Silo == leavingSilo && s.State == "Active"),
            Timeout,
            "shard 0 runs on the leaving silo");

        var secrets = Directory.CreateDirectory(Path.Combine(_directory, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "admin-token"), AdminToken + "\n");
        await File.WriteAllTextAsync(Path.Combine(secrets, "http-token"), HttpToken + "\n");
        var stopwatch = Stopwatch.StartNew();
        var exitCode = await RunHookAsync(leaving.Port, secrets);
        output.WriteLine($"preStop hook took {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(0, exitCode);

        // No waiting here: the hook itself waited for this.
        var after = (await StatusAsync(stayingHttp))!;
        Assert.All(after.Shards, shard =>
        {
            Assert.NotEqual(leavingSilo, shard.Silo);
            Assert.Equal("Active", shard.State);
        });
        Assert.Contains(after.Shards, static shard => shard.Start == "Migration");
        Assert.Equal(leavingSilo, Assert.Single(after.DrainedSilos));

        stopwatch.Restart();
        await leaving.App.StopAsync();
        output.WriteLine($"the drained silo stopped in {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(Shards, simulator.Check([]).Identifies);
    }

    private async Task<int> RunHookAsync(int port, string secrets)
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "kubernetes", "prestop-drain.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SHARDER_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PRESTOP_SECRETS_DIR"] = secrets;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        output.WriteLine(await stdout + await stderr);
        return process.ExitCode;
    }

    private async Task<RunningHost> StartHostAsync(GatewaySimulator simulator, string clusterId, string name)
    {
        var settings = TestSiloHost.ValidSettings(redis.ConnectionString, simulator.Token);
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        settings["DISCORD_SHARD_TOTAL"] = Shards.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Cluster:ClusterId"] = clusterId;
        settings["Cluster:ServiceId"] = clusterId;
        settings["Coordinator:LedgerKeyPrefix"] = $"sharder:{clusterId}";
        settings["Redis:Output:KeyPrefix"] = $"sharder:{clusterId}";
        settings["Redis:Commands:KeyPrefix"] = $"sharder:{clusterId}";
        settings["Supervisor:EnsureInterval"] = "00:00:01";
        settings["SHARDER_HTTP_TOKEN"] = HttpToken;
        settings["SHARDER_ADMIN_TOKEN"] = AdminToken;
        var app = TestSiloHost.Build(settings, Directory.CreateDirectory(Path.Combine(_directory, name)).FullName);
        await app.StartAsync();
        return new RunningHost(app, int.Parse(settings["SHARDER_HTTP_PORT"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<ClusterView?> StatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/status", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        return new ClusterView(
            root.GetProperty("activeSilos").GetArrayLength(),
            [.. root.GetProperty("drainedSilos").EnumerateArray().Select(static s => s.GetString()!)],
            [.. root.GetProperty("shards").EnumerateArray().Select(static s => new ShardView(
                s.GetProperty("silo").GetString(), s.GetProperty("state").GetString(), s.GetProperty("start").GetString()))]);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return await http.SendAsync(request);
    }

    private static HttpClient Client(int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HttpToken);
        return http;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sharder.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sharder.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record RunningHost(WebApplication App, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private sealed record ClusterView(int ActiveSilos, IReadOnlyList<string> DrainedSilos, IReadOnlyList<ShardView> Shards);

    private sealed record ShardView(string? Silo, string? State, string? Start);
}
