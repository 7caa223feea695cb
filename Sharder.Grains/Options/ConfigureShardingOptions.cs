using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Fills <see cref="ShardingOptions"/> from <c>DISCORD_SHARD_TOTAL</c>/<c>_START</c>/<c>_UNTIL</c> or,
/// when a variable is not set, from <c>Sharding:ShardTotal</c>/<c>ShardStart</c>/<c>ShardUntil</c>.
/// </summary>
/// <exception cref="OptionsValidationException">A value is not a whole number.</exception>
public sealed class ConfigureShardingOptions(IConfiguration configuration) : IConfigureOptions<ShardingOptions>
{
    /// <inheritdoc />
    public void Configure(ShardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = ShardingOptions.SectionName;
        var reader = new ConfigurationReader(configuration);

        options.ShardTotal = reader.ReadOptionalInt32(
            options.ShardTotal, $"{Section}:{nameof(ShardingOptions.ShardTotal)}", ShardingOptions.DISCORD_SHARD_TOTAL);
        options.ShardStart = reader.ReadOptionalInt32(
            options.ShardStart, $"{Section}:{nameof(ShardingOptions.ShardStart)}", ShardingOptions.DISCORD_SHARD_START);
        options.ShardUntil = reader.ReadOptionalInt32(
            options.ShardUntil, $"{Section}:{nameof(ShardingOptions.ShardUntil)}", ShardingOptions.DISCORD_SHARD_UNTIL);

        if (reader.Failures.Count > 0)
        {
            throw new OptionsValidationException(MsOptions.DefaultName, typeof(ShardingOptions), reader.Failures);
        }
    }
}
