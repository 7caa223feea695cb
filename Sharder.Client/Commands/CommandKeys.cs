using System.Globalization;

namespace Sharder.Client.Commands;

/// <summary>
/// The silo's command lists: <c>{prefix}:to:{shard}</c> (sharder-binary's <c>sharder:to:{shard}</c> with the
/// default prefix), the guild-routed <c>{prefix}:commands</c> and where refused commands end,
/// <c>{prefix}:commands:dead</c>.
/// </summary>
public sealed class CommandKeys
{
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>).</param>
    public CommandKeys(string prefix = "sharder")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Prefix = prefix;
        GuildRouted = $"{prefix}:commands";
        DeadLetters = $"{prefix}:commands:dead";
    }

    /// <summary>The key prefix.</summary>
    public string Prefix { get; }

    /// <summary>The guild-routed list: the silo picks the shard from <c>d.guild_id</c>.</summary>
    public string GuildRouted { get; }

    /// <summary>Where the silo puts commands it refused or could not deliver (one JSON entry each).</summary>
    public string DeadLetters { get; }

    /// <summary>The list of one shard.</summary>
    public string ForShard(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return $"{Prefix}:to:{shard.ToString(CultureInfo.InvariantCulture)}";
    }
}
