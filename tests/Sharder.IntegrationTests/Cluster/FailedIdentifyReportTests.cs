using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Grains.Coordination;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A shard reports an Identify that never reached READY: the grant stays charged and uncertain in the
/// shared ledger until a refresh (made soon, on its own) settles it with Discord's figure.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class FailedIdentifyReportTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_reported_failure_is_settled_by_a_refresh_that_follows_by_itself()
    {
        await using var scenario = await SharedLedgerScenario.StartAsync(redis, output, shardCount: 2, maxConcurrency: 1, dailyTotal: 1_000);
        var coordinator = await scenario.AddCoordinatorAsync("cluster", budgetRefreshMinInterval: TimeSpan.FromSeconds(1));
        var gate = new CoordinatorIdentifyGate(new DirectCoordinator(coordinator), 2, TimeProvider.System, NullLogger.Instance);

        // The permit is never used: Discord never sees the Identify, as with an op 9 or a connection lost before it.
        var permit = await gate.AcquireAsync(0, null, CancellationToken.None);
        await gate.ReportIdentifyFailedAsync(permit, CancellationToken.None);
        var reported = await coordinator.GetStatusAsync();
        Assert.Equal((999, 1, 1L), (reported.Remaining, reported.UncertainGrants, reported.FailedIdentifies));

        await Eventually.TrueAsync(
            async () =>
            {
                var status = await coordinator.GetStatusAsync();
                return status.UncertainGrants == 0 && status.Remaining == 1_000;
            },
            TimeSpan.FromSeconds(20),
            "a refresh settled the uncertain grant with Discord's figure (1,000 left: it never saw the Identify)");
        Assert.Equal(1_000, scenario.Simulator.IdentifyBudgetRemaining);
    }
}
