namespace Sharder.Grains.Supervision;

/// <summary>
/// Placement math for operator moves: where one shard goes when no target is named, and where the shards of
/// drained silos go. Drained silos count as gone, so <see cref="ShardAssignment"/> places their shards like
/// those of a dead silo (least loaded silo below its target first); the shards elsewhere stay put.
/// Silos are compared by ordinal name, as in <see cref="ShardAssignment"/>.
/// </summary>
internal static class DrainPlanner
{
    /// <summary>The least loaded Active, undrained silo other than <paramref name="currentSilo"/> (ties: lower name); null when there is none.</summary>
    /// <param name="currentSilo">Where the shard runs now; null when it does not run.</param>
    /// <param name="placement">Where every shard runs, to count each silo's load.</param>
    /// <param name="activeSilos">Silos that are Active in membership.</param>
    /// <param name="drained">Silos that take no shards.</param>
    public static string? PickTarget(
        string? currentSilo,
        IReadOnlyDictionary<int, string> placement,
        IReadOnlyCollection<string> activeSilos,
        IReadOnlySet<string> drained)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(activeSilos);
        ArgumentNullException.ThrowIfNull(drained);
        var load = placement.Values.CountBy(silo => silo, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        return activeSilos
            .Where(silo => !drained.Contains(silo) && !string.Equals(silo, currentSilo, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .MinBy(silo => load.GetValueOrDefault(silo));
    }

    /// <summary>The moves that take every shard off the drained silos; empty when no undrained Active silo is left.</summary>
    /// <param name="shards">Shards that must run.</param>
    /// <param name="placement">Where each shard runs now.</param>
    /// <param name="activeSilos">Silos that are Active in membership, drained ones included.</param>
    /// <param name="drained">Silos to empty.</param>
    /// <param name="withSession">Shards with a live session (see <see cref="ShardAssignment.Plan"/>).</param>
    public static IReadOnlyList<ShardMove> PlanDrain(
        IReadOnlyList<int> shards,
        IReadOnlyDictionary<int, string> placement,
        IReadOnlyCollection<string> activeSilos,
        IReadOnlySet<string> drained,
        IReadOnlySet<int>? withSession = null)
    {
        ArgumentNullException.ThrowIfNull(activeSilos);
        ArgumentNullException.ThrowIfNull(drained);
        var open = activeSilos.Where(silo => !drained.Contains(silo)).ToArray();
        return [.. ShardAssignment.Plan(shards, placement, open, withSession)
            .Where(move => move.FromSilo is { } from && drained.Contains(from))];
    }
}
