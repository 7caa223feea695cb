using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.Grains.Options;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Requests that arrive together are decided on one read and one write of the ledger: at a cold start a
/// thousand shards ask within a second, and one ledger round trip each would queue them past their grace.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CoordinatorGroupCommitTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Requests_arriving_together_share_ledger_writes_and_still_get_distinct_slots()
    {
        const int Requests = 200;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 1,
            Shards = 2,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
        });

        var window = new ShardClusterOptions().IdentifyWindow + ShardCluster.IdentifySafetyMargin;
        using var http = new HttpClient();
        var gatewayBot = new GatewayBotClient(
            http,
            MsOptions.Create(new DiscordOptions { Token = cluster.Simulator.Token, ApiBaseUrl = new Uri(cluster.Simulator.RestUrl) }),
            TimeProvider.System);
        var ledger = new RedisIdentifyLedger(cluster.Redis.Multiplexer, RedisIdentifyLedger.KeyFor(cluster.KeyPrefix, cluster.Simulator.Token));
        using var coordinator = new IdentifyCoordinator(
            ledger,
            gatewayBot.GetGatewayBotAsync,
            new CoordinatorOptions { IdentifyWindow = window, IdentifySlotGrace = ShardCluster.IdentifySafetyMargin / 2, LedgerKeyPrefix = cluster.KeyPrefix },
            null,
            TimeProvider.System,
            NullLogger.Instance);
        await coordinator.RefreshGatewayInfoAsync();
        var versionBefore = (await ledger.ReadAsync()).Version;

        var grants = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => coordinator.RequestIdentifyAsync(i % 2, 2, unusedSlot: null)));

        var writes = (await ledger.ReadAsync()).Version - versionBefore;
        output.WriteLine($"{Requests} requests, {writes} ledger writes");
        Assert.All(grants, grant => Assert.True(grant.IsGranted, $"shard {grant.ShardId} refused ({grant.Reason})"));
        Assert.InRange(writes, 1, Requests / 10);

        // Decided together, and still never two slots on one key closer than the window (max_concurrency 1).
        var slots = grants.Select(grant => grant.SlotAt!.Value).Order().ToList();
        for (var i = 1; i < slots.Count; i++)
        {
            Assert.True(slots[i] - slots[i - 1] >= window, $"slots {slots[i - 1]:O} and {slots[i]:O} are closer than {window}");
        }
    }
}
