using System.Globalization;
using System.Text.Json;
using Sharder.IntegrationTests.MultiProcess;
using Sharder.IntegrationTests.Sink;
using Sharder.TestKit.Redis;
using Sharder.TestKit;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Commands;

/// <summary>Issue 8's operator run, repeated: the six bad commands and a valid one pushed to a real silo process.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class HostileCommandSiloTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_process_dead_letters_the_six_and_sends_only_the_valid_command()
    {
        await using var cluster = await SiloCluster.CreateAsync(redis, shards: 1);
        await cluster.StartSilosAsync("A");
        await cluster.Simulator.WaitForShardsReadyAsync(1, SiloCluster.WaitTimeout);
        var session = Assert.Single(cluster.Simulator.Sessions()).Id;
        await using var connection = await TestRedis.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        var hostile = HostileCommandPayloads.IssueSix();

        foreach (var (payload, _) in hostile)
        {
            await database.ListRightPushAsync($"{cluster.KeyPrefix}:to:0", payload);
        }

        var pushed = cluster.Time.GetUtcNow();
        await database.ListRightPushAsync($"{cluster.KeyPrefix}:to:0", CommandPumpTests.Command("valid-after-six"));
        var received = await cluster.Simulator.WaitForCommandAsync(c => c.Json.Contains("valid-after-six", StringComparison.Ordinal), SiloCluster.WaitTimeout);
        var latency = received.At - pushed;
        // A batch's dead letters are written after its valid commands are handed to their shards.
        var deadKey = $"{cluster.KeyPrefix}:commands:dead";
        await Eventually.TrueAsync(
            async () => await database.ListLengthAsync(deadKey) >= hostile.Count, SiloCluster.WaitTimeout, "the six are dead-lettered");
        var dead = (await database.ListRangeAsync(deadKey)).Select(v => JsonDocument.Parse((byte[])v!).RootElement.Clone()).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silo process: valid op 3 after the six reached the gateway {latency.TotalMilliseconds:F1} ms after its push"));
        Assert.True(latency <= TimeSpan.FromSeconds(1), $"the valid command took {latency.TotalMilliseconds:F0} ms");
        Assert.Equal(hostile.Select(h => h.Reason), dead.Select(d => d.GetProperty("reason").GetString()));
        Assert.Equal([received.Json], cluster.Simulator.Commands.Select(c => c.Json));
        var gatewayConnection = Assert.Single(cluster.Simulator.Connections(includeClosed: true));
        Assert.True(gatewayConnection.Open);
        Assert.Null(gatewayConnection.ServerCloseCode);
        Assert.DoesNotContain(cluster.Simulator.Transcript(gatewayConnection.Id), e => e.Inbound && (e.Note is not null || e.Op is 6 || e.Op > 43));
        Assert.Equal(1, cluster.Simulator.Transcript(gatewayConnection.Id).Count(e => e.Inbound && e.Op == 2));
        Assert.Equal(session, Assert.Single(cluster.Simulator.Sessions()).Id);
    }
}
