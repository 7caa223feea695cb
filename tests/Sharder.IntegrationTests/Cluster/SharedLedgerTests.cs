using System.Diagnostics;
using System.Globalization;
using Sharder.Simulator.Faults;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// The identify ledger of one bot, shared in Redis: two clusters' coordinators together keep
/// <c>max_concurrency</c> and spend one session start per shard; Identifies the gateway refuses with op 9
/// (not charged by Discord) do not strand shards until the daily reset.
/// </summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class SharedLedgerTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public Task Two_clusters_on_one_redis_never_break_max_concurrency_and_spend_one_session_start_per_shard()
        => RunTwoClustersAsync(shards: 64, maxConcurrency: 8);

    /// <summary>The run: shards 0–499 and 500–999 in two clusters started together, max_concurrency 64.</summary>
    [Fact]
    [Trait("Category", "Long")]
    public Task Two_clusters_of_500_shards_started_together_never_break_max_concurrency()
        => RunTwoClustersAsync(shards: 1_000, maxConcurrency: 64);

    [Fact]
    public async Task Identifies_refused_with_op_9_are_given_back_and_every_shard_gets_ready_without_the_daily_reset()
    {
        const int Shards = 128;
        const int MaxConcurrency = 16;
        const int Rejected = 20;
        const int Reserve = 10;

        // Enough for every shard plus a little: the ledger alone (charging every grant) would run out at
        // 133 grants while 148 are needed; only Discord's own figure lets the last shards start.
        const int DailyTotal = Shards + Reserve + 5;
        await RunRejectedIdentifiesAsync(Shards, MaxConcurrency, DailyTotal, Reserve, rejectedShards: Rejected, randomRejection: 0);
    }

    /// <summary>The run: 1,000 shards on one front, max_concurrency 64, the gateway refusing about one Identify in ten.</summary>
    [Fact]
    [Trait("Category", "Long")]
    public async Task A_thousand_shards_at_max_concurrency_64_with_refused_identifies_all_get_ready()
    {
        const int Shards = 1_000;
        const int Reserve = 10;
        await RunRejectedIdentifiesAsync(Shards, maxConcurrency: 64, dailyTotal: Shards + Reserve + 20, Reserve, rejectedShards: 0, randomRejection: 0.1);
    }

    private async Task RunRejectedIdentifiesAsync(int shards, int maxConcurrency, int dailyTotal, int reserve, int rejectedShards, double randomRejection)
    {
        await using var scenario = await SharedLedgerScenario.StartAsync(redis, output, shards, maxConcurrency, dailyTotal, randomRejection);
        var step = rejectedShards > 0 ? shards / rejectedShards : 0;
        for (var i = 0; i < rejectedShards; i++)
        {
            scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.RejectIdentify, ShardId = i * step });
        }

        var coordinator = await scenario.AddCoordinatorAsync("cluster", budgetReserve: reserve);
        var clock = Stopwatch.StartNew();
        scenario.StartShards(coordinator, Enumerable.Range(0, shards), shards);
        await scenario.WaitAllReadyAsync(ReadyTimeout);
        var elapsed = clock.Elapsed;

        var report = scenario.Check();
        var status = await coordinator.GetStatusAsync();
        var refusedByGateway = scenario.Shards.Sum(shard => shard.Status.Identifies) - shards;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{shards} shards, max_concurrency {maxConcurrency}, budget {dailyTotal} (reserve {reserve}): all READY after {elapsed.TotalSeconds:F1} s; "
            + $"{refusedByGateway} Identifies refused with op 9, ledger grants {status.Grants}, budget refusals {status.Refusals}, "
            + $"session starts spent {scenario.SessionStartsSpent}, ledger remaining {status.Remaining}, concurrency violations {report.IdentifyViolations}"));

        Assert.False(scenario.Simulator.TokenRevoked);
        Assert.Equal(shards, scenario.SessionStartsSpent);
        Assert.True(refusedByGateway > 0, "the gateway refused some Identifies");

        // More was granted than the budget minus the reserve: the ledger gave back what Discord did not charge.
        Assert.True(status.Grants > dailyTotal - reserve, $"{status.Grants} grants fit the budget without any refusal by the gateway");
    }

    private async Task RunTwoClustersAsync(int shards, int maxConcurrency)
    {
        await using var scenario = await SharedLedgerScenario.StartAsync(redis, output, shards, maxConcurrency, dailyTotal: shards + 100);
        var first = await scenario.AddCoordinatorAsync("cluster-a");
        var second = await scenario.AddCoordinatorAsync("cluster-b");

        // Both ranges cover every rate-limit key: only a shared ledger keeps them apart.
        var clock = Stopwatch.StartNew();
        scenario.StartShards(first, Enumerable.Range(0, shards / 2), shards);
        scenario.StartShards(second, Enumerable.Range(shards / 2, shards / 2), shards);
        await scenario.WaitAllReadyAsync(ReadyTimeout);

        var report = scenario.Check();
        var status = await first.GetStatusAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"2 clusters × {shards / 2} shards, max_concurrency {maxConcurrency}: all READY after {clock.Elapsed.TotalSeconds:F1} s; "
            + $"identifies {report.Identifies}, violations {report.IdentifyViolations}, session starts spent {scenario.SessionStartsSpent}, ledger grants {status.Grants} (missed slots replaced {status.Missed})"));
        Assert.Equal(0, report.IdentifyViolations);
        Assert.Equal(shards, scenario.SessionStartsSpent);

        // One charge per shard; a shard held up past its slot's grace (a loaded machine) gets a replacement, not charged again.
        Assert.Equal(shards, status.Grants - status.Missed);
        Assert.Equal(status.Grants, (await second.GetStatusAsync()).Grants);
    }
}
