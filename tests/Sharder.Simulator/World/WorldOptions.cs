namespace Sharder.Simulator.World;

/// <summary>Shape of the simulated world: guilds, their GUILD_CREATE sizes and the bot identity.</summary>
public sealed class WorldOptions
{
    public const string DefaultBotUserId = "1189617063916331028";
    public const long DefaultApplicationId = 1189617063916331028;

    /// <summary>Guilds created up front.</summary>
    public int GuildCount { get; set; } = 10;

    /// <summary>Seed for names, sizes and id bits; the same seed gives the same world.</summary>
    public int Seed { get; set; } = 1;

    public GuildCreateSizeMix GuildCreateSizeMix { get; set; } = new();

    /// <summary>Share of guilds that start unavailable (R-5.3 <c>unavailableFraction</c>).</summary>
    public double UnavailableFraction { get; set; }

    /// <summary>The bot's user id (a snowflake string); it is also member 0 of every guild.</summary>
    public string BotUserId { get; set; } = DefaultBotUserId;

    public string BotUsername { get; set; } = "sharder-sim";

    public string BotDiscriminator { get; set; } = "0001";

    public long ApplicationId { get; set; } = DefaultApplicationId;

    /// <summary>READY <c>application.flags</c>.</summary>
    public int ApplicationFlags { get; set; }

    /// <summary>Creation time of the first guild; later guilds follow at a fixed spacing.</summary>
    public DateTimeOffset FirstGuildCreatedAt { get; set; } = new(2017, 3, 1, 0, 0, 0, TimeSpan.Zero);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(GuildCount);
        if (UnavailableFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(UnavailableFraction), UnavailableFraction, "WorldOptions.UnavailableFraction must be within [0, 1].");
        }

        if (!ulong.TryParse(BotUserId, System.Globalization.NumberStyles.None, null, out var botId) || botId == 0)
        {
            throw new ArgumentException("WorldOptions.BotUserId must be a snowflake (decimal digits).", nameof(BotUserId));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(BotUsername);
        ArgumentException.ThrowIfNullOrWhiteSpace(BotDiscriminator);
        ArgumentNullException.ThrowIfNull(GuildCreateSizeMix);
        GuildCreateSizeMix.Validate();
        if (FirstGuildCreatedAt.ToUnixTimeMilliseconds() < Snowflake.DiscordEpochMs)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstGuildCreatedAt), "WorldOptions.FirstGuildCreatedAt must not precede the Discord epoch (2015-01-01).");
        }
    }
}
