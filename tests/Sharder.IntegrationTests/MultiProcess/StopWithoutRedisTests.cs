using System.Diagnostics;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// <c>docker compose down</c> stops Redis and the silos together: a silo that cannot reach Redis while it stops
/// must still exit, within its shutdown timeout, instead of waiting for a hand-off that cannot happen.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class StopWithoutRedisTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_stopped_while_redis_is_down_exits_within_its_shutdown_timeout_and_grace()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        await using var cluster = await SiloCluster.CreateAsync(redis.ConnectionString, shards: 2);
        var silos = await cluster.StartSilosAsync("A", "B");
        await cluster.AllActiveOnAsync(silos, "both shards are Active");

        await redis.StopAsync();
        var stopping = Stopwatch.StartNew();
        await Task.WhenAll(silos.Select(silo => silo.SignalAsync(SiloSignal.Terminate)));
        // The stop watchdog ends the process at the shutdown timeout plus its grace, with exit code 2.
        var exited = await Task.WhenAll(silos.Select(silo => silo.WaitForExitAsync(SiloCluster.ShutdownTimeout + TimeSpan.FromSeconds(15))));

        for (var i = 0; i < silos.Length; i++)
        {
            output.WriteLine($"{silos[i].Name}: {(exited[i] ? $"exit {silos[i].ExitCode}" : "still running")} after {stopping.ElapsedMilliseconds} ms");
            Assert.True(exited[i], $"{silos[i].Name} did not exit within {SiloCluster.ShutdownTimeout} + 15 s of SIGTERM with Redis down.{Environment.NewLine}{silos[i].RecentOutput}");
            Assert.Contains(silos[i].ExitCode, new[] { 0, 2 });
        }
    }
}
