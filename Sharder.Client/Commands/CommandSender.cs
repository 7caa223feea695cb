using StackExchange.Redis;

namespace Sharder.Client.Commands;

/// <summary>
/// Pushes gateway commands for the silo's command pump: <c>RPUSH {prefix}:to:{shard}</c>, or
/// <c>RPUSH {prefix}:commands</c> for guild-routed ones. Each command is checked first with the silo's rules
/// (<see cref="CommandValidator"/>): one the silo would dead-letter throws <see cref="CommandRejectedException"/>
/// here instead, where the caller can see it. Uses the shared multiplexer (RPUSH never blocks). Thread-safe.
/// </summary>
public sealed class CommandSender
{
    private readonly IDatabase _database;
    private readonly CommandValidator _validator;

    /// <param name="redis">The application's shared multiplexer.</param>
    /// <param name="prefix">The silo's <c>Redis:Output:KeyPrefix</c>.</param>
    /// <param name="validator">The silo's allow-list (<c>Redis:Commands:AllowedOps</c>); default 3, 4, 8, 31, 43.</param>
    public CommandSender(IConnectionMultiplexer redis, string prefix = "sharder", CommandValidator? validator = null)
        : this(redis, new CommandKeys(prefix), validator)
    {
    }

    /// <param name="redis">The application's shared multiplexer.</param>
    /// <param name="keys">The silo's command lists, e.g. <see cref="CommandKeys.ForCluster"/> for a silo on Redis Cluster.</param>
    /// <param name="validator">The silo's allow-list (<c>Redis:Commands:AllowedOps</c>); default 3, 4, 8, 31, 43.</param>
    public CommandSender(IConnectionMultiplexer redis, CommandKeys keys, CommandValidator? validator = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        _database = redis.GetDatabase();
        Keys = keys;
        _validator = validator ?? new CommandValidator();
    }

    /// <summary>The lists this sender pushes to.</summary>
    public CommandKeys Keys { get; }

    /// <summary>Sends a raw gateway payload (<c>{"op":…,"d":{…}}</c>) on one shard.</summary>
    /// <returns>The length of the shard's list after the push (a growing one means no silo takes it).</returns>
    /// <exception cref="CommandRejectedException">The silo would refuse it; nothing was pushed.</exception>
    public Task<long> SendToShardAsync(int shard, ReadOnlyMemory<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ThrowIfRejected(_validator.Check(payload.Span));
        return _database.ListRightPushAsync(Keys.ForShard(shard), payload);
    }

    /// <summary>Sends a raw payload with a <c>d.guild_id</c> on the guild-routed list: the silo picks the guild's shard.</summary>
    /// <exception cref="CommandRejectedException">The silo would refuse it (including no <c>d.guild_id</c>); nothing was pushed.</exception>
    public Task<long> SendByGuildAsync(ReadOnlyMemory<byte> payload)
    {
        ThrowIfRejected(_validator.CheckGuildRouted(payload.Span));
        return _database.ListRightPushAsync(Keys.GuildRouted, payload);
    }

    /// <summary>Op 3 on one shard (see <see cref="GatewayCommands.PresenceUpdate"/>).</summary>
    public Task<long> UpdatePresenceAsync(int shard, string status, string? activityName = null, int activityType = 0)
        => SendToShardAsync(shard, GatewayCommands.PresenceUpdate(status, activityName, activityType));

    /// <summary>Op 4, routed by guild (see <see cref="GatewayCommands.VoiceStateUpdate"/>).</summary>
    public Task<long> UpdateVoiceStateAsync(ulong guildId, ulong? channelId, bool selfMute = false, bool selfDeaf = false)
        => SendByGuildAsync(GatewayCommands.VoiceStateUpdate(guildId, channelId, selfMute, selfDeaf));

    /// <summary>Op 8 by name prefix, routed by guild (see <see cref="GatewayCommands.RequestGuildMembers"/>).</summary>
    public Task<long> RequestGuildMembersAsync(ulong guildId, string query = "", int limit = 0, bool presences = false, string? nonce = null)
        => SendByGuildAsync(GatewayCommands.RequestGuildMembers(guildId, query, limit, null, presences, nonce));

    private static void ThrowIfRejected(CommandCheck check)
    {
        if (!check.IsAccepted)
        {
            throw new CommandRejectedException(check);
        }
    }
}
