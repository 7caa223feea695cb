using Sharder.Grains.Supervision;

namespace Sharder.Grains.Tests.Supervision;

public sealed class ShardAssignmentTests
{
    [Fact]
    public void A_cold_start_spreads_every_shard_in_shard_and_silo_order()
    {
        var moves = ShardAssignment.Plan(Shards(5), new Dictionary<int, string>(), ["silo-b", "silo-a"]);

        Assert.Equal(
            [
                new ShardMove(0, null, "silo-a"),
                new ShardMove(1, null, "silo-b"),
                new ShardMove(2, null, "silo-a"),
                new ShardMove(3, null, "silo-b"),
                new ShardMove(4, null, "silo-a"),
            ],
            moves);
    }

    [Fact]
    public void An_already_balanced_placement_moves_nothing()
    {
        var current = Place(("a", [0, 1, 2]), ("b", [3, 4]), ("c", [5, 6]));

        Assert.Empty(ShardAssignment.Plan(Shards(7), current, ["a", "b", "c"]));
    }

    [Fact]
    public void A_joining_silo_takes_the_highest_shards_from_the_fullest_silos()
    {
        var current = Place(("a", [0, 1, 2, 3, 4, 5]), ("b", [6, 7, 8, 9, 10, 11]));

        var moves = ShardAssignment.Plan(Shards(12), current, ["a", "b", "c"]);

        Assert.Equal(
            [
                new ShardMove(4, "a", "c"),
                new ShardMove(5, "a", "c"),
                new ShardMove(10, "b", "c"),
                new ShardMove(11, "b", "c"),
            ],
            moves);
    }

    [Fact]
    public void Shards_with_a_session_move_before_shards_still_waiting_to_identify()
    {
        var current = Place(("a", [0, 1, 2, 3, 4, 5]));

        // A cold start: shards 0, 1 and 3 are READY, the others wait for their identify slot.
        var moves = ShardAssignment.Plan(Shards(6), current, ["a", "b"], withSession: new HashSet<int> { 0, 1, 3 });

        Assert.Equal(
            [
                new ShardMove(0, "a", "b"),
                new ShardMove(1, "a", "b"),
                new ShardMove(3, "a", "b"),
            ],
            moves);
    }

    [Fact]
    public void A_lost_silos_shards_are_spread_over_the_survivors_and_nothing_else_moves()
    {
        var current = Place(("a", [0, 1, 2, 3]), ("b", [4, 5, 6, 7]), ("c", [8, 9, 10, 11]));

        var moves = ShardAssignment.Plan(Shards(12), current, ["a", "b"]);

        Assert.Equal(
            [
                new ShardMove(8, "c", "a"),
                new ShardMove(9, "c", "b"),
                new ShardMove(10, "c", "a"),
                new ShardMove(11, "c", "b"),
            ],
            moves);
    }

    [Fact]
    public void With_no_active_silo_nothing_can_be_placed()
    {
        var current = Place(("a", [0, 1]));

        Assert.Empty(ShardAssignment.Plan(Shards(2), current, []));
    }

    [Fact]
    public void Orphans_are_placed_before_rebalancing_moves()
    {
        // Shard 6 never ran, shard 5 ran on a dead silo, and silo a holds too many.
        var current = Place(("a", [0, 1, 2, 3, 4]), ("dead", [5]));

        var moves = ShardAssignment.Plan(Shards(7), current, ["a", "b"]);

        Assert.Equal(
            [
                new ShardMove(5, "dead", "b"),
                new ShardMove(6, null, "b"),
                new ShardMove(4, "a", "b"),
            ],
            moves);
    }

    [Fact]
    public void The_spare_shard_stays_with_the_silo_that_already_has_it()
    {
        // 7 shards on 2 silos: 4/3 is balanced whichever silo has 4, so nothing moves.
        var current = Place(("a", [0, 1, 2]), ("b", [3, 4, 5, 6]));

        Assert.Empty(ShardAssignment.Plan(Shards(7), current, ["a", "b"]));
    }

    [Fact]
    public void Shards_no_longer_wanted_are_ignored()
    {
        var current = Place(("a", [0, 1, 2, 3]), ("b", [4, 5]));

        var moves = ShardAssignment.Plan([0, 1, 4, 5], current, ["a", "b"]);

        Assert.Empty(moves);
    }

    [Fact]
    public void The_plan_does_not_depend_on_input_order()
    {
        var current = Place(("b", [7, 3, 1]), ("x", [2, 4]), ("a", [0]));
        var first = ShardAssignment.Plan([0, 1, 2, 3, 4, 5, 6, 7, 8], current, ["c", "a", "b"]);

        var second = ShardAssignment.Plan(
            [8, 7, 6, 5, 4, 3, 2, 1, 0, 3],
            current.Reverse().ToDictionary(pair => pair.Key, pair => pair.Value),
            ["b", "a", "c", "a"]);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Random_layouts_end_balanced_on_live_silos_with_the_fewest_moves()
    {
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var shardCount = random.Next(0, 60);
            var silos = Enumerable.Range(0, random.Next(1, 7)).Select(i => $"silo-{i}").ToArray();
            var everKnown = silos.Concat(["gone-1", "gone-2"]).ToArray();
            var current = new Dictionary<int, string>();
            foreach (var shard in Enumerable.Range(0, shardCount).Where(_ => random.Next(5) > 0))
            {
                current[shard] = everKnown[random.Next(everKnown.Length)];
            }

            var moves = ShardAssignment.Plan(Shards(shardCount), current, silos);

            AssertBalancedWithFewestMoves(shardCount, current, silos, moves);
        }
    }

    private static void AssertBalancedWithFewestMoves(
        int shardCount, Dictionary<int, string> current, string[] silos, IReadOnlyList<ShardMove> moves)
    {
        Assert.Equal(moves.Count, moves.Select(move => move.ShardId).Distinct().Count());
        var after = new Dictionary<int, string>(current);
        foreach (var move in moves)
        {
            Assert.Contains(move.ToSilo, silos);
            Assert.NotEqual(move.FromSilo, move.ToSilo);
            Assert.Equal(current.GetValueOrDefault(move.ShardId), move.FromSilo);
            after[move.ShardId] = move.ToSilo;
        }

        var loads = silos.Select(silo => Enumerable.Range(0, shardCount).Count(shard => after[shard] == silo)).ToArray();
        Assert.True(loads.Max() - loads.Min() <= 1, $"loads {string.Join("/", loads)}");

        // Lower bound: every shard off a live silo moves, and each live silo sheds at least what it has above
        // the ceiling of the average, plus what is needed to leave only n % m silos at that ceiling.
        var homeless = Enumerable.Range(0, shardCount).Count(shard => !current.TryGetValue(shard, out var silo) || !silos.Contains(silo));
        var share = shardCount / silos.Length;
        var extra = shardCount % silos.Length;
        var counts = silos.Select(silo => current.Count(pair => pair.Key < shardCount && pair.Value == silo))
            .OrderDescending().ToArray();
        var shed = counts.Select((count, rank) => Math.Max(0, count - (share + (rank < extra ? 1 : 0)))).Sum();
        Assert.Equal(homeless + shed, moves.Count);
    }

    private static int[] Shards(int count) => Enumerable.Range(0, count).ToArray();

    private static Dictionary<int, string> Place(params (string Silo, int[] Shards)[] placements)
        => placements.SelectMany(p => p.Shards.Select(shard => (shard, p.Silo))).ToDictionary(x => x.shard, x => x.Silo);
}
