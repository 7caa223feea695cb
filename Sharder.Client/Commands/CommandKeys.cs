using System.Globalization;

namespace Sharder.Client.Commands;

/// <summary>
/// The silo's command lists: <c>{prefix}:to:{shard}</c> (sharder-binary's <c>sharder:to:{shard}</c> with the
/// default prefix), the guild-routed <c>{prefix}:commands</c> and where refused commands end,
/// <c>{prefix}:commands:dead</c>. For a silo on Redis Cluster (<c>Redis:Output:KeyLayout=Cluster</c>) use
/// <see cref="ForCluster"/>: the prefix becomes a hash tag, <c>{sharder}:to:{shard}</c>.
/// </summary>
public sealed class CommandKeys
{
    private readonly string _stem;

    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>).</param>
    public CommandKeys(string prefix = "sharder")
        : this(prefix, tagged: false)
    {
    }

    private CommandKeys(string prefix, bool tagged)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Prefix = prefix;
        _stem = tagged ? $"{{{prefix}}}" : prefix;
        GuildRouted = $"{_stem}:commands";
        DeadLetters = $"{_stem}:commands:dead";
    }

    /// <summary>The keys of a silo with <c>Redis:Output:KeyLayout=Cluster</c>: <c>{prefix}</c> is the hash tag of every command list.</summary>
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c> (default <c>sharder</c>), without braces.</param>
    public static CommandKeys ForCluster(string prefix = "sharder") => new(prefix, tagged: true);

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
        return $"{_stem}:to:{shard.ToString(CultureInfo.InvariantCulture)}";
    }
}
