using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Sharder.Grains.Coordination;
using Sharder.Grains.Hosting;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// The coordinator's ledger is its fence: an activation whose stored ledger was written by someone else since
/// it read it (a duplicate coordinator during a split brain) cannot grant a slot, and the activation that
/// replaces it continues from the newer ledger.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class CoordinatorFencingTests(RedisServerFixture redis)
{
    private const string LedgerStateName = "identify";

    [Fact]
    public async Task A_coordinator_whose_ledger_was_overwritten_grants_nothing_and_its_successor_reads_the_newer_ledger()
    {
        await using var cluster = await ShardCluster.StartAsync(redis, new ShardClusterOptions
        {
            Silos = 1,
            Shards = 2,
            StartShardsOnMembership = false,
            RebalanceOnJoin = false,
        });
        var coordinator = cluster.Coordinator;
        Assert.True((await coordinator.RequestIdentifyAsync(0, 2, unusedSlot: null)).IsGranted);

        // A duplicate activation elsewhere grants 100 slots and stores its ledger: the stored ETag moves on.
        var silo = cluster.Cluster.Primary as InProcessSiloHandle ?? throw new InvalidOperationException("the test cluster runs its silos in process");
        var storage = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SharderSiloBuilderExtensions.GrainStorageName);
        var grainId = coordinator.GetGrainId();
        var duplicate = new GrainState<IdentifyLedgerState>();
        await storage.ReadStateAsync(LedgerStateName, grainId, duplicate);
        var stored = duplicate.State ?? throw new InvalidOperationException("the coordinator stored no ledger");
        duplicate.State = stored with { Grants = stored.Grants + 100, Remaining = stored.Remaining - 100 };
        await storage.WriteStateAsync(LedgerStateName, grainId, duplicate);

        // The live activation's next write is refused, so its grant never leaves.
        await Assert.ThrowsAsync<InconsistentStateException>(() => coordinator.RequestIdentifyAsync(1, 2, unusedSlot: null));

        // Orleans dropped it; the next activation starts from the duplicate's ledger.
        var grant = await coordinator.RequestIdentifyAsync(1, 2, unusedSlot: null);
        var status = await coordinator.GetStatusAsync();
        Assert.True(grant.IsGranted);
        Assert.Equal(102, status.Grants);
        Assert.True(status.Remaining <= stored.Remaining - 101, $"remaining {status.Remaining} forgot the duplicate's grants");
    }
}
