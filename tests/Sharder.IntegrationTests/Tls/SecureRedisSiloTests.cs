using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sharder.Grains.Commands;
using Sharder.IntegrationTests.Host;
using Sharder.Silo.Health;
using Sharder.Simulator;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// A whole silo (the real host composition, in process) on Redis over TLS as the documented silo user, the
/// server certificate issued by a private CA given in <c>REDIS_TLS_CA_FILE</c>: clustering, the identify ledger, grain
/// directory, event publisher, command pump and the readiness check all work; a worker with the worker user reads the events and
/// its command reaches the gateway. Every key the silo wrote is inside the silo user's patterns.
/// </summary>
public sealed class SecureRedisSiloTests(SecureRedisFixture redis) : IClassFixture<SecureRedisFixture>, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-tls-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Silo_runs_end_to_end_over_tls_as_the_silo_user_and_a_worker_user_reads_events_and_sends_commands()
    {
        var token = $"sim-token.{Guid.NewGuid():N}.sekrit";
        await using var simulator = new GatewaySimulator(new SimulatorOptions { Token = token, MaxConcurrency = 1 });
        await simulator.StartAsync();
        var settings = TestSiloHost.ValidSettings(redis.SiloAddress, token);
        settings["REDIS_TLS_CA_FILE"] = redis.CaFile;

        // The documented silo user's patterns assume the default ids: Orleans keys start with the service id
        // (membership, grain state) or the cluster id (grain directory).
        settings["Cluster:ClusterId"] = "sharder";
        settings["Discord:ApiBaseUrl"] = simulator.RestUrl;
        settings["Discord:GatewayUrl"] = simulator.GatewayUrl;
        var logs = new CapturingLoggerProvider();
        IReadOnlyList<string> runningKeys;

        await using (var app = TestSiloHost.Build(settings, _directory, logs))
        {
            await app.StartAsync();
            await simulator.WaitForShardsReadyAsync(1, StartTimeout);
            var redisHealth = await app.Services.GetRequiredService<RedisHealthCheck>().CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, redisHealth.Status);

            using var worker = await RespConnection.ConnectAsync(
                redis.RespEndpointFor(RedisAclUsers.Worker, SecureRedisFixture.WorkerPassword), Timeout, TimeProvider.System, CancellationToken.None);
            simulator.EmitMessage(guildId: null);
            var popped = (await worker.ExecuteAsync(["BLPOP", "sharder:events", "20"], TimeSpan.FromSeconds(30), CancellationToken.None)).ThrowIfError();
            Assert.False(popped.IsNil, "the worker user popped no event within 20 s");

            const string Presence = "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"idle\",\"afk\":false}}";
            (await worker.ExecuteAsync(["RPUSH", "sharder:to:0", Presence], Timeout, CancellationToken.None)).ThrowIfError();
            var received = await simulator.WaitForCommandAsync(static command => command.Op == 3, StartTimeout);
            Assert.Contains("\"idle\"", received.Json, StringComparison.Ordinal);
            runningKeys = await KeysAsync();

            await app.StopAsync();
        }

        Assert.DoesNotContain(logs.Lines, static line => line.Contains("NOPERM", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(SecureRedisFixture.SiloPassword, StringComparison.Ordinal));

        // Every key the silo wrote, while running and after, is one the silo user may touch.
        var keys = runningKeys.Concat(await KeysAsync()).ToList();
        Assert.Contains(keys, static key => key.StartsWith("sharder/members/", StringComparison.Ordinal));
        Assert.Contains(keys, static key => key.StartsWith("sharder/directory/", StringComparison.Ordinal));
        Assert.All(keys, static key => Assert.Matches(new Regex("^sharder[:/]"), key));
    }

    /// <summary>Lists keys through the plain management port (default user), not as a silo or worker.</summary>
    private async Task<IReadOnlyList<string>> KeysAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        return [.. admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "*").Select(static key => key.ToString())];
    }
}
