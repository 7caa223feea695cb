using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.Grains.Options;
using Sharder.TestKit.Redis;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// The shared ledger is the fence: a second coordinator on the same bot (a duplicate activation during a
/// split brain, or another cluster's) is one more client of the ledger, and together they never put two
/// slots on one key closer than the window nor spend a session start twice.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CoordinatorFencingTests(RedisServerFixture redis)
{
    [Fact]
    public async Task A_duplicate_coordinator_granting_at_the_same_time_never_shares_a_slot_or_a_charge()
    {
        const int RequestsEach = 15;
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 1,
            Shards = 2,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
        });
        var coordinator = cluster.Coordinator;
        var before = await coordinator.GetStatusAsync();

        // A second front on the same ledger key, with the cluster's settings, asking at the same time.
        var window = new ShardClusterOptions().IdentifyWindow + ShardCluster.IdentifySafetyMargin;
        using var http = new HttpClient();
        var gatewayBot = new GatewayBotClient(
            http,
            MsOptions.Create(new DiscordOptions { Token = cluster.Simulator.Token, ApiBaseUrl = new Uri(cluster.Simulator.RestUrl) }),
            TimeProvider.System);
        using var duplicate = new IdentifyCoordinator(
            new RedisIdentifyLedger(cluster.Redis.Multiplexer, RedisIdentifyLedger.KeyFor(cluster.KeyPrefix, cluster.Simulator.Token)),
            gatewayBot.GetGatewayBotAsync,
            new CoordinatorOptions { IdentifyWindow = window, IdentifySlotGrace = ShardCluster.IdentifySafetyMargin / 2, LedgerKeyPrefix = cluster.KeyPrefix },
            null,
            TimeProvider.System,
            NullLogger.Instance);

        var fromGrain = Task.WhenAll(Enumerable.Range(0, RequestsEach).Select(_ => coordinator.RequestIdentifyAsync(0, 2, unusedSlot: null)));
        var fromDuplicate = Task.WhenAll(Enumerable.Range(0, RequestsEach).Select(_ => duplicate.RequestIdentifyAsync(1, 2, unusedSlot: null)));
        var grants = (await fromGrain).Concat(await fromDuplicate).ToList();

        // max_concurrency 1: every slot is on key 0, and no two are closer than the window.
        Assert.All(grants, grant => Assert.True(grant.IsGranted, $"shard {grant.ShardId} refused ({grant.Reason})"));
        var slots = grants.Select(grant => grant.SlotAt!.Value).Order().ToList();
        for (var i = 1; i < slots.Count; i++)
        {
            Assert.True(slots[i] - slots[i - 1] >= window, $"slots {slots[i - 1]:O} and {slots[i]:O} are closer than {window}");
        }

        var after = await coordinator.GetStatusAsync();
        Assert.Equal(before.Grants + (2 * RequestsEach), after.Grants);
        Assert.Equal(before.Remaining - (2 * RequestsEach), after.Remaining);
        Assert.Equal(after, await duplicate.GetStatusAsync() with { NextFreeSlotByKey = after.NextFreeSlotByKey, WaitingShards = after.WaitingShards });
    }
}
