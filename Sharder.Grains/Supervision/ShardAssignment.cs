namespace Sharder.Grains.Supervision;

/// <summary>
/// Placement math for the shard supervisor: which shards to start or move so that every shard runs on an
/// active silo and silo loads differ by at most one, moving as few shards as possible.
/// </summary>
/// <remarks>
/// Rules, all deterministic (silos compared by ordinal name, shards by id):
/// <list type="number">
/// <item>Each active silo gets a target of <c>floor(n / m)</c> or one more; the extra ones go to the
/// silos that already run the most shards (ties: lower name), which keeps the moves at their minimum.</item>
/// <item>A shard on an active silo stays unless its silo is above target; then the silo moves shards
/// with a live session first (for them a move is a resume), highest ids first, and only then shards still
/// waiting for their identify slot: each of those would take its slot along, but one that reaches the new
/// silo after its slot's grace goes to the back of its key's queue.</item>
/// <item>Shards on dead or unknown silos, and shards never placed, are placed first, then the moved ones;
/// each goes to the least loaded silo still below its target (ties: lower name), so a cold start deals
/// shards out round-robin.</item>
/// </list>
/// With no active silo nothing can be placed and the plan is empty.
/// </remarks>
internal static class ShardAssignment
{
    /// <param name="shards">Shards that must run.</param>
    /// <param name="currentSilo">Where each shard runs now; entries for other shards are ignored.</param>
    /// <param name="activeSilos">Silos that can take shards.</param>
    /// <param name="withSession">Shards that have a live session now; none when null.</param>
    /// <returns>The moves: first the shards that had no live silo, then the rebalancing moves, each by shard id.</returns>
    public static IReadOnlyList<ShardMove> Plan(
        IReadOnlyList<int> shards,
        IReadOnlyDictionary<int, string> currentSilo,
        IReadOnlyList<string> activeSilos,
        IReadOnlySet<int>? withSession = null)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(currentSilo);
        ArgumentNullException.ThrowIfNull(activeSilos);

        var silos = activeSilos.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (silos.Length == 0)
        {
            return [];
        }

        var wanted = shards.Distinct().Order().ToArray();
        var running = silos.ToDictionary(silo => silo, _ => new List<int>(), StringComparer.Ordinal);
        var homeless = new List<int>();
        foreach (var shard in wanted)
        {
            if (currentSilo.TryGetValue(shard, out var silo) && running.TryGetValue(silo, out var onSilo))
            {
                onSilo.Add(shard);
            }
            else
            {
                homeless.Add(shard);
            }
        }

        var targets = Targets(wanted.Length, silos, running);
        var load = silos.ToDictionary(silo => silo, silo => Math.Min(running[silo].Count, targets[silo]), StringComparer.Ordinal);

        var excess = new List<(int Shard, string From)>();
        foreach (var silo in silos)
        {
            var onSilo = running[silo];
            var over = onSilo.Count - targets[silo];
            if (over > 0)
            {
                var leaving = onSilo
                    .OrderByDescending(shard => withSession?.Contains(shard) ?? false)
                    .ThenByDescending(shard => shard)
                    .Take(over);
                excess.AddRange(leaving.Select(shard => (shard, silo)));
            }
        }

        var moves = new List<ShardMove>();
        foreach (var shard in homeless)
        {
            moves.Add(new ShardMove(shard, currentSilo.GetValueOrDefault(shard), TakeLeastLoaded(silos, targets, load)));
        }

        foreach (var (shard, from) in excess.OrderBy(e => e.Shard))
        {
            moves.Add(new ShardMove(shard, from, TakeLeastLoaded(silos, targets, load)));
        }

        return moves;
    }

    private static Dictionary<string, int> Targets(int shardCount, string[] silos, Dictionary<string, List<int>> running)
    {
        var share = shardCount / silos.Length;
        var extra = shardCount % silos.Length;
        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        var rank = 0;
        foreach (var silo in silos.OrderByDescending(silo => running[silo].Count).ThenBy(silo => silo, StringComparer.Ordinal))
        {
            targets[silo] = share + (rank++ < extra ? 1 : 0);
        }

        return targets;
    }

    private static string TakeLeastLoaded(string[] silos, Dictionary<string, int> targets, Dictionary<string, int> load)
    {
        // silos is sorted and only a strictly lower load replaces the pick, so ties go to the lower name.
        // The targets add up to the shard count, so some silo always has room.
        string? best = null;
        foreach (var silo in silos)
        {
            if (load[silo] < targets[silo] && (best is null || load[silo] < load[best]))
            {
                best = silo;
            }
        }

        var pick = best ?? throw new InvalidOperationException("No silo has room left; the targets do not add up.");
        load[pick]++;
        return pick;
    }
}
