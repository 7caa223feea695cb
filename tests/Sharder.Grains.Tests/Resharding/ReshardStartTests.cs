using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;

namespace Sharder.Grains.Tests.Resharding;

/// <summary>Whether a run may start (<see cref="ReshardRunMachine.RefuseStart"/>, <see cref="ReshardRunMachine.RefuseForBudget"/>) and the run it starts.</summary>
public sealed class ReshardStartTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly ReshardRunMachine _machine = new(new ReshardOptions { OverlapWindow = TimeSpan.FromMilliseconds(750) });

    [Fact]
    public void A_whole_bot_cluster_without_an_active_run_may_start_one_to_another_total()
    {
        var record = new ShardingRecord(2, 2, null);

        Assert.Null(ReshardRunMachine.RefuseStart(record, [0, 1], 2, 4));
        Assert.Null(ReshardRunMachine.RefuseStart(record, [0, 1], 2, 1));
        Assert.Null(ReshardRunMachine.RefuseStart(record, [0, 1], 2, ushort.MaxValue));
    }

    [Fact]
    public void An_active_run_is_in_the_way_and_named()
    {
        var active = new ReshardRun("abc", 2, 4, ReshardState.Identifying, Now, null, TimeSpan.FromSeconds(1), null, "test");

        var refused = ReshardRunMachine.RefuseStart(new ShardingRecord(2, 2, active), [0, 1], 2, 8);

        Assert.Equal(ReshardStartOutcome.AlreadyActive, refused!.Outcome);
        Assert.Same(active, refused.Run);
        Assert.StartsWith("Run abc (2 → 4 shards) is identifying;", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_running_part_of_the_bot_cannot_reshard()
    {
        var refused = ReshardRunMachine.RefuseStart(new ShardingRecord(4, 4, null), [2, 3], 4, 8);

        Assert.Equal(ReshardStartOutcome.NotWholeBot, refused!.Outcome);
        Assert.Null(refused.Run);
        Assert.StartsWith("This cluster runs shards 2..3 of 4", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(ushort.MaxValue + 1)]
    public void A_total_that_is_no_shard_count_or_the_one_in_service_is_invalid(int total)
    {
        var refused = ReshardRunMachine.RefuseStart(new ShardingRecord(2, 2, null), [0, 1], 2, total);

        Assert.Equal(ReshardStartOutcome.InvalidTotal, refused!.Outcome);
        Assert.EndsWith($"other than the 2 in service; it was {total}.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_budget_must_pay_for_the_new_shards_and_the_reserve()
    {
        // 17 new shards + a reserve of 10 % rounded up (2) = 19.
        Assert.Equal(19, _machine.SessionStartsNeeded(17));
        Assert.Null(_machine.RefuseForBudget(17, 19, null));

        var refused = _machine.RefuseForBudget(17, 18, Now.AddHours(3));

        Assert.Equal(ReshardStartOutcome.InsufficientBudget, refused!.Outcome);
        Assert.Null(refused.Run);
        Assert.Equal(
            "Resharding to 17 shards needs 19 session starts (17 new shards + a reserve of 2, Reshard:SessionStartReserve); 18 remain, "
            + "and the budget resets at 2026-12-05T12:00:00.0000000+00:00. Nothing was changed.",
            refused.Message);
        Assert.Contains("resets at unknown (no budget window runs)", _machine.RefuseForBudget(17, 0, null)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_run_starts_from_the_total_in_service_with_the_configured_window()
    {
        var run = _machine.Start("abc", 2, 4, Now, "admin");

        Assert.Equal(new ReshardRun("abc", 2, 4, ReshardState.Starting, Now, null, TimeSpan.FromMilliseconds(750), null, "admin"), run);
        Assert.True(run.IsActive);
    }
}
