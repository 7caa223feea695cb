using Sharder.Simulator.Ledger;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// Real <c>Sharder.Silo</c> processes joined through Redis clustering, against the in-process gateway simulator:
/// silos are stopped, killed, frozen and added while events flow, and the ledger proves nothing was lost or
/// published twice. Timings (cold start, hand-off gaps, crash recovery) are printed to the test output.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessClusterTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const double EventsPerSecond = 100;

    [Fact]
    public async Task Shards_survive_a_graceful_stop_a_crash_and_a_join_without_losing_or_duplicating_events()
    {
        const int Shards = 6;
        await using var cluster = await SiloCluster.CreateAsync(redis, Shards);
        var time = cluster.Time;

        var launchedAt = time.GetTimestamp();
        var silos = await cluster.StartSilosAsync("A", "B", "C");
        var readyAfter = time.GetElapsedTime(launchedAt);
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, SiloCluster.WaitTimeout);
        var shardsReadyAfter = time.GetElapsedTime(launchedAt);
        output.WriteLine($"cold start: 3 silos ready (/readyz) after {Ms(readyAfter)}, all {Shards} shards READY after {Ms(shardsReadyAfter)}");

        var status = await cluster.BalancedOnAsync(silos, "the shards are spread over A, B and C");
        cluster.Simulator.StartLoad(EventsPerSecond);
        await Eventually.TrueAsync(async () => (await cluster.PublishedAsync()).Count >= 50, SiloCluster.WaitTimeout, "events reach Redis");

        // SIGTERM: the silo stops gracefully and its shards migrate, carrying their sessions.
        var (a, b, c) = (silos[0], silos[1], silos[2]);
        var fromA = status.On(a).Select(s => s.Shard).ToArray();
        var terminatedAt = time.GetUtcNow();
        var terminateStarted = time.GetTimestamp();
        await a.SignalAsync(SiloSignal.Terminate);
        Assert.True(await a.WaitForExitAsync(SiloCluster.ShutdownTimeout + TimeSpan.FromSeconds(5)), $"A did not exit after SIGTERM.{Environment.NewLine}{a.RecentOutput}");
        var exitAfter = time.GetElapsedTime(terminateStarted);
        Assert.True(a.ExitCode == 0, $"A exited with {a.ExitCode} after SIGTERM.{Environment.NewLine}{a.RecentOutput}");
        status = await cluster.AllActiveOnAsync([b, c], "A's shards are Active on B and C");
        output.WriteLine($"SIGTERM A ({fromA.Length} shards): exit 0 after {Ms(exitAfter)}");
        foreach (var shard in fromA)
        {
            var placement = status.Shards.Single(s => s.Shard == shard);
            Assert.Equal("Migration", placement.Start);
            var timing = await HandoffAsync(cluster, shard, terminatedAt);
            output.WriteLine(
                $"  shard {shard} → silo port {placement.SiloPort}: hand-off gap (last event before → first after) {Ms(timing.Gap)}, "
                + $"resumed {Ms(timing.ResumedAt - terminatedAt)} after SIGTERM, product gap {placement.HandoffGapMs:0} ms");
        }

        // SIGKILL: nothing runs on the silo; once it is declared dead its shards resume from their checkpoints.
        var fromB = status.On(b).Select(s => s.Shard).ToArray();
        var killedAt = time.GetUtcNow();
        await b.SignalAsync(SiloSignal.Kill);
        Assert.True(await b.WaitForExitAsync(TimeSpan.FromSeconds(10)), "B did not die after SIGKILL");
        status = await cluster.AllActiveOnAsync([c], "B's shards are Active on C");
        output.WriteLine($"SIGKILL B ({fromB.Length} shards):");
        foreach (var shard in fromB)
        {
            Assert.Equal("Checkpoint", status.Shards.Single(s => s.Shard == shard).Start);
            var timing = await HandoffAsync(cluster, shard, killedAt);
            output.WriteLine(
                $"  shard {shard}: crash recovery (kill → first event of the new activation) {Ms(timing.FirstEventAfter - killedAt)}, "
                + $"resumed after {Ms(timing.ResumedAt - killedAt)}, gap {Ms(timing.Gap)}");
        }

        // A new silo joins: the supervisor rebalances by migrating shards onto it.
        var joinedAt = time.GetUtcNow();
        var joinStarted = time.GetTimestamp();
        var d = (await cluster.StartSilosAsync("D"))[0];
        var dReadyAfter = time.GetElapsedTime(joinStarted);
        status = await cluster.BalancedOnAsync([c, d], "the shards are rebalanced over C and D");
        var balancedAfter = time.GetElapsedTime(joinStarted);
        var toD = status.On(d).Select(s => s.Shard).ToArray();
        output.WriteLine($"start D: ready after {Ms(dReadyAfter)}, {toD.Length} shards moved onto it, balanced after {Ms(balancedAfter)}");
        foreach (var shard in toD)
        {
            var placement = status.Shards.Single(s => s.Shard == shard);
            Assert.Equal("Migration", placement.Start);
            var timing = await HandoffAsync(cluster, shard, joinedAt);
            output.WriteLine($"  shard {shard} → D: hand-off gap {Ms(timing.Gap)}, product gap {placement.HandoffGapMs:0} ms");
        }

        var report = await AssertEveryEventOnceAsync(cluster, Shards);
        Assert.True(report.Resumes >= fromA.Length + fromB.Length + toD.Length, $"expected a resume per move, got {report.Resumes}");
    }

    [Fact]
    public async Task A_frozen_silo_declared_dead_is_fenced_and_fails_fast_when_it_thaws()
    {
        const int Shards = 4;
        await using var cluster = await SiloCluster.CreateAsync(redis, Shards);
        var time = cluster.Time;
        var silos = await cluster.StartSilosAsync("A", "B");
        var (a, b) = (silos[0], silos[1]);
        await cluster.Simulator.WaitForShardsReadyAsync(Shards, SiloCluster.WaitTimeout);
        var status = await cluster.BalancedOnAsync(silos, "the shards are spread over A and B");
        var fromB = status.On(b).ToDictionary(s => s.Shard, s => s.Epoch);
        cluster.Simulator.StartLoad(EventsPerSecond);
        await Eventually.TrueAsync(async () => (await cluster.PublishedAsync()).Count >= 50, SiloCluster.WaitTimeout, "events reach Redis");

        var frozenAt = time.GetUtcNow();
        var freezeStarted = time.GetTimestamp();
        await b.SignalAsync(SiloSignal.Stop);
        status = await cluster.AllActiveOnAsync([a], "B is declared dead and its shards are Active on A");
        var takenOverAfter = time.GetElapsedTime(freezeStarted);
        output.WriteLine($"SIGSTOP B ({fromB.Count} shards): all shards Active on A after {Ms(takenOverAfter)}");
        foreach (var (shard, staleEpoch) in fromB)
        {
            var placement = status.Shards.Single(s => s.Shard == shard);
            Assert.Equal("Checkpoint", placement.Start);
            Assert.True(placement.Epoch > staleEpoch, $"shard {shard}: epoch {placement.Epoch} does not supersede B's {staleEpoch}");
            var timing = await HandoffAsync(cluster, shard, frozenAt);
            output.WriteLine($"  shard {shard}: resumed on A {Ms(timing.ResumedAt - frozenAt)} after SIGSTOP, gap {Ms(timing.Gap)}");
        }

        // Thawed, B still runs its stale shards until it learns it is dead; their pushes must be rejected.
        var thawStarted = time.GetTimestamp();
        await b.SignalAsync(SiloSignal.Continue);
        Assert.True(await b.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"B kept running after SIGCONT.{Environment.NewLine}{b.RecentOutput}");
        var exitAfter = time.GetElapsedTime(thawStarted);
        Assert.True(b.ExitCode != 0, $"B exited normally (0) although it had been declared dead.{Environment.NewLine}{b.RecentOutput}");
        output.WriteLine(
            $"SIGCONT B: exited with {b.ExitCode} after {Ms(exitAfter)}; printed a fenced-shard warning: {b.Printed("was superseded by a newer activation")}");

        await cluster.AllActiveOnAsync([a], "every shard is still Active on A");
        await AssertEveryEventOnceAsync(cluster, Shards);
    }

    /// <summary>Stops the load, waits until Redis holds every event sent exactly once, and checks that each shard identified once.</summary>
    private async Task<InvariantReport> AssertEveryEventOnceAsync(SiloCluster cluster, int shards)
    {
        cluster.Simulator.StopLoad();
        var report = await cluster.AllPublishedAsync("every event sent is in Redis exactly once");
        output.WriteLine(report.ToString());
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(shards, report.Identifies);
        return report;
    }

    /// <summary>Waits until the shard's post-move connection has sent an event, then returns the timing.</summary>
    private static async Task<ShardHandoffTiming> HandoffAsync(SiloCluster cluster, int shard, DateTimeOffset since)
    {
        ShardHandoffTiming? timing = null;
        await Eventually.TrueAsync(
            () => (timing = ShardHandoffTiming.Find(cluster.Simulator.Ledger.Snapshot(), shard, since))?.FirstEventAfter is not null,
            SiloCluster.WaitTimeout,
            $"shard {shard} resumes after {since:HH:mm:ss.fff} and receives an event");
        return timing!;
    }

    private static string Ms(TimeSpan? span) => span is { } value ? $"{value.TotalMilliseconds:0} ms" : "n/a";
}
