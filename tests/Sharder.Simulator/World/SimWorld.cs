using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sharder.Simulator.World;

/// <summary>
/// The simulated world: the bot identity and its guilds. Reads are lock-free snapshots;
/// adding or removing a guild swaps in a new snapshot.
/// </summary>
public sealed class SimWorld
{
    // A prime spacing between guild creation times makes (id >> 22) % n a bijection over every n
    // consecutive guilds, so shards get equal guild counts for every n that is not a multiple of it.
    private const ulong GuildIdSpacingMs = 65_537;

    private static readonly string[] s_adjectives =
    [
        "Quiet", "Crimson", "Lunar", "Hidden", "Brave", "Velvet", "Rapid", "Golden",
        "Frozen", "Electric", "Ancient", "Wandering", "Silent", "Cosmic", "Wild", "Amber",
    ];

    private static readonly string[] s_nouns =
    [
        "Harbor", "Tavern", "Orchard", "Citadel", "Lounge", "Workshop", "Garden", "Arcade",
        "Library", "Outpost", "Studio", "Grove", "Forge", "Observatory", "Den", "Market",
    ];

    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly WorldOptions _options;
    private readonly TimeProvider _time;
    private readonly ulong _firstGuildMs;
    private int _nextGuildIndex;
    private volatile WorldSnapshot _snapshot;

    public SimWorld(WorldOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _time = time;
        _random = new Random(options.Seed);
        _firstGuildMs = (ulong)(options.FirstGuildCreatedAt.ToUnixTimeMilliseconds() - Snowflake.DiscordEpochMs);
        BotUserId = options.BotUserId;
        BotUserSnowflake = ulong.Parse(options.BotUserId, NumberStyles.None, CultureInfo.InvariantCulture);
        ApplicationId = options.ApplicationId;

        var guilds = new SimGuild[options.GuildCount];
        for (int i = 0; i < guilds.Length; i++)
        {
            int? hugeBytes = i == 0 ? options.GuildCreateSizeMix.HugeGuildBytes : null;
            bool unavailable = _random.NextDouble() < options.UnavailableFraction;
            guilds[i] = CreateGuild(name: null, hugeBytes, memberCount: null, unavailable, joinedAt: null);
        }

        _snapshot = new WorldSnapshot(guilds);
    }

    /// <summary>Current guilds (an immutable snapshot; later changes do not affect it).</summary>
    public IReadOnlyList<SimGuild> Guilds => _snapshot.Guilds;

    public string BotUserId { get; }

    public ulong BotUserSnowflake { get; }

    public string BotUsername => _options.BotUsername;

    public string BotDiscriminator => _options.BotDiscriminator;

    public long ApplicationId { get; }

    public int ApplicationFlags => _options.ApplicationFlags;

    public int Seed => _options.Seed;

    /// <summary>Guilds routed to <c>[shardId, numShards]</c> (GP §10).</summary>
    public IEnumerable<SimGuild> GuildsForShard(int shardId, int numShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numShards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shardId, numShards);
        return _snapshot.Guilds.Where(g => Snowflake.ShardFor(g.Id, numShards) == shardId);
    }

    public int CountGuildsForShard(int shardId, int numShards) => GuildsForShard(shardId, numShards).Count();

    public bool TryGetGuild(ulong guildId, [MaybeNullWhen(false)] out SimGuild guild) =>
        _snapshot.ById.TryGetValue(guildId, out guild);

    /// <summary>
    /// Adds a guild (the bot joins it now). Unset values are drawn from the seeded size mix; a member count
    /// above 75,000 makes GUILD_CREATE carry only the bot (GP §4.3).
    /// </summary>
    public SimGuild AddGuild(string? name = null, int? guildCreateBytes = null, int? memberCount = null, bool unavailable = false)
    {
        if (guildCreateBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(guildCreateBytes), guildCreateBytes, "Must be positive.");
        }

        if (memberCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(memberCount), memberCount, "Must be positive.");
        }

        lock (_gate)
        {
            var guild = CreateGuild(name, guildCreateBytes, memberCount, unavailable, _time.GetUtcNow());
            var current = _snapshot.Guilds;
            var next = new SimGuild[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = guild;
            _snapshot = new WorldSnapshot(next);
            return guild;
        }
    }

    public bool RemoveGuild(ulong guildId)
    {
        lock (_gate)
        {
            var current = _snapshot.Guilds;
            int index = Array.FindIndex(current, g => g.Id == guildId);
            if (index < 0)
            {
                return false;
            }

            var next = new SimGuild[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            _snapshot = new WorldSnapshot(next);
            return true;
        }
    }

    /// <summary>
    /// <c>shards</c> of /gateway/bot: ceil(guilds / guildsPerShard), at least 1, rounded up to
    /// <paramref name="requiredMultiple"/> when set (R-1.2, GP §8.4).
    /// </summary>
    public int RecommendedShards(int guildsPerShard = 1000, int? requiredMultiple = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(guildsPerShard, 1);
        int count = _snapshot.Guilds.Length;
        int shards = Math.Max(1, (count + guildsPerShard - 1) / guildsPerShard);
        if (requiredMultiple is { } multiple)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(multiple, 1, nameof(requiredMultiple));
            shards = (shards + multiple - 1) / multiple * multiple;
        }

        return shards;
    }

    /// <summary>User id of member <paramref name="memberIndex"/> of a guild (member 0 is the bot).</summary>
    public ulong MemberUserId(ulong guildId, int memberIndex) => SimIds.MemberUser(guildId, memberIndex, BotUserSnowflake);

    /// <summary>Username of member <paramref name="memberIndex"/> (member 0 is the bot).</summary>
    public string MemberUsername(int memberIndex) => memberIndex == 0 ? BotUsername : MemberNames.Username(memberIndex);

    public static ulong ChannelId(ulong guildId, int channelIndex) => SimIds.Channel(guildId, channelIndex);

    // Callers hold _gate, or run in the constructor.
    private SimGuild CreateGuild(string? name, int? guildCreateBytes, int? memberCount, bool unavailable, DateTimeOffset? joinedAt)
    {
        int index = _nextGuildIndex++;
        ulong ms = _firstGuildMs + ((ulong)index * GuildIdSpacingMs);
        ulong id = SimIds.Guild(ms, process: _random.Next(32), increment: _random.Next(4096));
        int target = guildCreateBytes ?? _options.GuildCreateSizeMix.Sample(_random);
        var shape = GuildLayout.Plan(target, memberCount);
        string guildName = name ?? $"{s_adjectives[_random.Next(s_adjectives.Length)]} {s_nouns[_random.Next(s_nouns.Length)]} {index}";
        var joined = joinedAt ?? Snowflake.TimestampOf(id).AddMinutes(_random.Next(1, 60 * 24 * 30));
        return new SimGuild(id, guildName, shape.MemberCount, shape.OnlineMemberCount, shape.ChannelCount, shape.EstimatedBytes, joined, unavailable);
    }

    private sealed class WorldSnapshot
    {
        public WorldSnapshot(SimGuild[] guilds)
        {
            Guilds = guilds;
            ById = guilds.ToDictionary(g => g.Id);
        }

        public SimGuild[] Guilds { get; }

        public Dictionary<ulong, SimGuild> ById { get; }
    }
}
