namespace Sharder.Client.Sharding;

/// <summary>The current or last resharding run recorded in <c>{prefix}:sharding</c>.</summary>
/// <param name="RunId">The run's id (as in the <c>resharded</c> and <c>reshard_rolled_back</c> markers).</param>
/// <param name="From">The old generation's total.</param>
/// <param name="To">The new generation's total.</param>
/// <param name="State">Where the run is.</param>
/// <param name="Cutover">The cut-over instant, once fixed.</param>
public sealed record ReshardRunSummary(string RunId, int From, int To, ReshardRunState State, DateTimeOffset? Cutover)
{
    /// <summary>Whether the run still holds two generations (not completed or rolled back).</summary>
    public bool IsActive => State is not (ReshardRunState.Completed or ReshardRunState.RolledBack);
}
