using Sharder.Grains.Supervision;

namespace Sharder.Grains.Tests.Supervision;

public sealed class DrainPlannerTests
{
    private static readonly HashSet<string> NoneDrained = new(StringComparer.Ordinal);

    [Fact]
    public void A_move_without_a_target_goes_to_the_least_loaded_other_silo()
    {
        var placement = Place(("a", [0, 1, 2]), ("b", [3, 4]), ("c", [5]));

        Assert.Equal("c", DrainPlanner.PickTarget("a", placement, ["a", "b", "c"], NoneDrained));
    }

    [Fact]
    public void A_move_never_targets_the_shards_own_silo_or_a_drained_one_and_ties_go_to_the_lower_name()
    {
        var placement = Place(("a", [0, 1]), ("b", [2]), ("c", [3]), ("d", [4]));

        Assert.Equal("c", DrainPlanner.PickTarget("b", placement, ["d", "c", "b", "a"], Drained("a")));
        Assert.Equal("d", DrainPlanner.PickTarget("c", placement, ["a", "b", "c", "d"], Drained("b")));
    }

    [Fact]
    public void A_move_has_no_target_when_every_other_silo_is_drained()
    {
        var placement = Place(("a", [0]), ("b", [1]));

        Assert.Null(DrainPlanner.PickTarget("a", placement, ["a", "b"], Drained("b")));
        Assert.Null(DrainPlanner.PickTarget("a", placement, ["a"], NoneDrained));
    }

    [Fact]
    public void A_drain_moves_exactly_the_drained_silos_shards_to_the_least_loaded_silos()
    {
        var placement = Place(("a", [0, 1, 2]), ("b", [3, 4]), ("c", [5, 6, 7]));

        var moves = DrainPlanner.PlanDrain(Shards(8), placement, ["a", "b", "c"], Drained("c"));

        Assert.Equal([5, 6, 7], moves.Select(m => m.ShardId));
        Assert.All(moves, move => Assert.Equal("c", move.FromSilo));
        var after = placement.ToDictionary(p => p.Key, p => p.Value);
        foreach (var move in moves)
        {
            after[move.ShardId] = move.ToSilo;
        }

        var loads = after.Values.CountBy(silo => silo).ToDictionary();
        Assert.Equal(4, loads["a"]);
        Assert.Equal(4, loads["b"]);
        Assert.False(loads.ContainsKey("c"));
    }

    [Fact]
    public void A_drain_leaves_shards_on_open_silos_and_shards_never_placed_alone()
    {
        var placement = Place(("a", [0, 1, 2, 3]), ("b", [4]));

        var moves = DrainPlanner.PlanDrain(Shards(7), placement, ["a", "b", "c"], Drained("b"));

        Assert.Equal([new ShardMove(4, "b", "c")], moves);
    }

    [Fact]
    public void A_drain_of_an_empty_silo_or_with_no_open_silo_moves_nothing()
    {
        var placement = Place(("a", [0, 1]), ("b", [2, 3]));

        Assert.Empty(DrainPlanner.PlanDrain(Shards(4), placement, ["a", "b", "c"], Drained("c")));
        Assert.Empty(DrainPlanner.PlanDrain(Shards(4), placement, ["a", "b"], Drained("a", "b")));
    }

    private static int[] Shards(int count) => [.. Enumerable.Range(0, count)];

    private static HashSet<string> Drained(params string[] silos) => new(silos, StringComparer.Ordinal);

    private static Dictionary<int, string> Place(params (string Silo, int[] Shards)[] silos)
        => silos.SelectMany(s => s.Shards.Select(shard => (shard, s.Silo))).ToDictionary(p => p.shard, p => p.Silo);
}
