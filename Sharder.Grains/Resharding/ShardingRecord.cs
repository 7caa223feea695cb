using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Resharding;

/// <summary>What <c>{prefix}:sharding</c> holds: the generation in service, the first one, and the latest run.</summary>
/// <param name="Total">The shard total in service.</param>
/// <param name="BaseTotal">The total first written (from configuration): its shards keep unqualified key names.</param>
/// <param name="Run">The current or last resharding run; null when none ever ran.</param>
internal sealed record ShardingRecord(int Total, int BaseTotal, ReshardRun? Run)
{
    /// <summary>The configured total last seen; a different one now means the operator changed the setting.</summary>
    public int LastConfiguredTotal { get; init; }

    /// <summary>The run while it holds two generations; null otherwise.</summary>
    public ReshardRun? ActiveRun => Run is { IsActive: true } run ? run : null;

    /// <summary>The key qualifier for a generation: 0 (unqualified names) for the first one, else its total.</summary>
    public int KeyTotalOf(int total) => total == BaseTotal ? 0 : total;

    /// <summary>A shard's role: in service alone, or on either side of the active run.</summary>
    /// <returns>Null when the shard's generation is neither in service nor part of the active run.</returns>
    public GenerationRole? RoleOf(int total)
    {
        if (ActiveRun is { } run)
        {
            if (total == run.From)
            {
                return GenerationRole.Old;
            }

            if (total == run.To)
            {
                return GenerationRole.New;
            }
        }

        return total == Total ? GenerationRole.Sole : null;
    }
}
