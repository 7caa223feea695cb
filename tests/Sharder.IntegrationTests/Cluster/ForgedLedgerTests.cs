using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.TestKit.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Anyone who can write Redis can write the identify ledger. Whatever they put there, the coordinator does
/// not stall or allocate without bound: it sets the ledger aside, reads the budget from Discord again and
/// grants on a new ledger.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class ForgedLedgerTests(RedisServerFixture redis, ITestOutputHelper output)
{
    public static TheoryData<string, string> Forgeries => new()
    {
        { "state", "not json at all" },
        { "state", "null" },
        { "state", """{"LastSlotByKey":[],"Total":1000,"Remaining":1000,"MaxConcurrency":2000000000,"GatewayInfoAt":"2026-01-01T00:00:00+00:00"}""" },
        { "state", """{"LastSlotByKey":[],"Total":10,"Remaining":99999,"MaxConcurrency":1,"GatewayInfoAt":"2026-01-01T00:00:00+00:00"}""" },
        { "version", "not-a-number" },
        { "version", "1e9" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_ledger_is_set_aside_and_the_coordinator_goes_on_granting(string field, string value)
    {
        await using var scenario = await SharedLedgerScenario.StartAsync(redis, output, shardCount: 2, maxConcurrency: 1, dailyTotal: 1_000);
        var coordinator = await scenario.AddCoordinatorAsync("cluster");
        Assert.True((await coordinator.RequestIdentifyAsync(0, 2, unusedSlot: null)).IsGranted);

        // A shard asks as it does in a silo: refused while the budget is unknown, it asks again.
        await scenario.Redis.HashSetAsync(scenario.LedgerKey, [new HashEntry(field, value)]);
        var gate = new CoordinatorIdentifyGate(new DirectCoordinator(coordinator), 2, TimeProvider.System, NullLogger.Instance);
        var permit = await gate.AcquireAsync(1, null, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        var status = await coordinator.GetStatusAsync();

        Assert.Equal(1, permit.ShardId);
        Assert.Equal(1, status.MaxConcurrency);
        Assert.Equal(1_000, status.Total);
        Assert.InRange(status.Remaining, 0, 1_000);
        Assert.True((await scenario.Redis.HashGetAsync(scenario.LedgerKey, "version")).TryParse(out long version) && version >= 0);
    }
}
