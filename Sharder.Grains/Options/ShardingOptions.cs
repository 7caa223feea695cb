using System.Diagnostics.CodeAnalysis;

namespace Sharder.Grains.Options;

/// <summary>
/// Which shards this cluster runs. Read from the section <c>Sharding</c> or, as in sharder-binary, from
/// <c>DISCORD_SHARD_TOTAL</c>, <c>DISCORD_SHARD_START</c> and <c>DISCORD_SHARD_UNTIL</c> (see
/// <see cref="ConfigureShardingOptions"/>); checked at startup by <see cref="ShardingOptionsValidator"/>.
/// </summary>
/// <remarks>
/// Three modes: nothing set runs the count Discord recommends in <c>/gateway/bot</c>; a total alone runs
/// shards <c>0..total-1</c>; a total with a range runs <c>start..until</c> (inclusive). A range with only
/// one end uses 0 for a missing start and <c>total-1</c> for a missing until.
/// </remarks>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "Constants spell the environment variables they name.")]
public sealed class ShardingOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Sharding";

    /// <summary>Environment variable for <see cref="ShardTotal"/>.</summary>
    public const string DISCORD_SHARD_TOTAL = nameof(DISCORD_SHARD_TOTAL);

    /// <summary>Environment variable for <see cref="ShardStart"/>.</summary>
    public const string DISCORD_SHARD_START = nameof(DISCORD_SHARD_START);

    /// <summary>Environment variable for <see cref="ShardUntil"/>.</summary>
    public const string DISCORD_SHARD_UNTIL = nameof(DISCORD_SHARD_UNTIL);

    /// <summary>
    /// Total number of shards of the bot (<c>num_shards</c> in Identify). Null lets <c>/gateway/bot</c>
    /// decide.
    /// </summary>
    public int? ShardTotal { get; set; }

    /// <summary>First shard id this cluster runs. Needs <see cref="ShardTotal"/>.</summary>
    public int? ShardStart { get; set; }

    /// <summary>Last shard id this cluster runs, inclusive. Needs <see cref="ShardTotal"/>.</summary>
    public int? ShardUntil { get; set; }

    /// <summary>
    /// Whether a changed <see cref="ShardTotal"/> starts a resharding run (docs/resharding.md) instead of being ignored
    /// in favour of the total in service stored in Redis. Default true. Needs a cluster that runs every shard.
    /// </summary>
    public bool ReshardOnConfigChange { get; set; } = true;

    /// <summary>True when the shard count must come from Discord's recommendation.</summary>
    public bool UsesGatewayRecommendation => ShardTotal is null;

    /// <summary>
    /// The shard total and the ids this cluster runs.
    /// </summary>
    /// <param name="recommendedFromGateway">
    /// The <c>shards</c> field of <c>/gateway/bot</c>; needed only when <see cref="ShardTotal"/> is not set.
    /// </param>
    /// <exception cref="InvalidOperationException">The settings are inconsistent, or the count must come from Discord and none was given.</exception>
    public ShardSelection ResolveShards(int? recommendedFromGateway)
    {
        if (ShardTotal is not { } total)
        {
            if (ShardStart is not null || ShardUntil is not null)
            {
                throw new InvalidOperationException(
                    $"A shard range ({DISCORD_SHARD_START}/{DISCORD_SHARD_UNTIL}) needs {DISCORD_SHARD_TOTAL}; set it.");
            }

            if (recommendedFromGateway is not { } recommended)
            {
                throw new InvalidOperationException(
                    $"{DISCORD_SHARD_TOTAL} is not set, so the shard count must come from /gateway/bot, but none was given.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(recommended, 1, nameof(recommendedFromGateway));
            return new ShardSelection(recommended, Enumerable.Range(0, recommended).ToArray());
        }

        var start = ShardStart ?? 0;
        var until = ShardUntil ?? total - 1;
        if (total < 1 || start < 0 || start > until || until >= total)
        {
            throw new InvalidOperationException(
                $"Shards {start}..{until} of {total} are not a valid range; "
                + $"{DISCORD_SHARD_START} <= {DISCORD_SHARD_UNTIL} < {DISCORD_SHARD_TOTAL} must hold.");
        }

        return new ShardSelection(total, Enumerable.Range(start, until - start + 1).ToArray());
    }
}
