using Microsoft.Extensions.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Checks <see cref="ShardingOptions"/> and reports every problem at once, each naming the setting and
/// its environment variable and saying how to fix it.
/// </summary>
public sealed class ShardingOptionsValidator : IValidateOptions<ShardingOptions>
{
    private const string Total = $"{ShardingOptions.SectionName}:{nameof(ShardingOptions.ShardTotal)} ({ShardingOptions.DISCORD_SHARD_TOTAL})";
    private const string Start = $"{ShardingOptions.SectionName}:{nameof(ShardingOptions.ShardStart)} ({ShardingOptions.DISCORD_SHARD_START})";
    private const string Until = $"{ShardingOptions.SectionName}:{nameof(ShardingOptions.ShardUntil)} ({ShardingOptions.DISCORD_SHARD_UNTIL})";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ShardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.ShardTotal is < 1)
        {
            failures.Add($"{Total} is {options.ShardTotal}; set {ShardingOptions.DISCORD_SHARD_TOTAL} to at least 1, "
                + "or unset it to run the shard count Discord recommends.");
        }

        if (options.ShardStart is < 0)
        {
            failures.Add($"{Start} is {options.ShardStart}; set {ShardingOptions.DISCORD_SHARD_START} to 0 or more.");
        }

        if (options.ShardUntil is < 0)
        {
            failures.Add($"{Until} is {options.ShardUntil}; set {ShardingOptions.DISCORD_SHARD_UNTIL} to 0 or more.");
        }

        if (options.ShardTotal is null && (options.ShardStart is not null || options.ShardUntil is not null))
        {
            failures.Add($"{Total} is not set but a shard range is; a range needs the total: set "
                + $"{ShardingOptions.DISCORD_SHARD_TOTAL}, or unset {ShardingOptions.DISCORD_SHARD_START} and "
                + $"{ShardingOptions.DISCORD_SHARD_UNTIL} to run every shard Discord recommends.");
        }

        if (options is { ShardStart: >= 0, ShardUntil: >= 0 } && options.ShardStart > options.ShardUntil)
        {
            failures.Add($"{Start} is {options.ShardStart}, above {Until} ({options.ShardUntil}); "
                + $"set {ShardingOptions.DISCORD_SHARD_START} <= {ShardingOptions.DISCORD_SHARD_UNTIL}.");
        }

        if (options.ShardTotal is >= 1 and var total)
        {
            if (options.ShardUntil >= total)
            {
                failures.Add($"{Until} is {options.ShardUntil} but shard ids run from 0 to {total - 1} "
                    + $"({ShardingOptions.DISCORD_SHARD_TOTAL} is {total}); set {ShardingOptions.DISCORD_SHARD_UNTIL} "
                    + $"to at most {total - 1} (it is inclusive).");
            }

            if (options.ShardStart >= total)
            {
                failures.Add($"{Start} is {options.ShardStart} but shard ids run from 0 to {total - 1} "
                    + $"({ShardingOptions.DISCORD_SHARD_TOTAL} is {total}); set {ShardingOptions.DISCORD_SHARD_START} "
                    + $"to at most {total - 1}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
