using System.Globalization;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Reads <c>Gateway:Intents</c> written as Discord's intent names, numbers or both
/// (<c>GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT</c>, <c>GUILDS|512</c>, <c>1537</c>). Pure: no I/O.
/// </summary>
internal static class GatewayIntentNames
{
    /// <summary>Discord's intent names and their bits (the old names GUILD_BANS and GUILD_EMOJIS_AND_STICKERS too).</summary>
    public static IReadOnlyDictionary<string, ulong> Bits { get; } = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase)
    {
        ["GUILDS"] = 1UL << 0,
        ["GUILD_MEMBERS"] = 1UL << 1,
        ["GUILD_MODERATION"] = 1UL << 2,
        ["GUILD_BANS"] = 1UL << 2,
        ["GUILD_EXPRESSIONS"] = 1UL << 3,
        ["GUILD_EMOJIS_AND_STICKERS"] = 1UL << 3,
        ["GUILD_INTEGRATIONS"] = 1UL << 4,
        ["GUILD_WEBHOOKS"] = 1UL << 5,
        ["GUILD_INVITES"] = 1UL << 6,
        ["GUILD_VOICE_STATES"] = 1UL << 7,
        ["GUILD_PRESENCES"] = 1UL << 8,
        ["GUILD_MESSAGES"] = 1UL << 9,
        ["GUILD_MESSAGE_REACTIONS"] = 1UL << 10,
        ["GUILD_MESSAGE_TYPING"] = 1UL << 11,
        ["DIRECT_MESSAGES"] = 1UL << 12,
        ["DIRECT_MESSAGE_REACTIONS"] = 1UL << 13,
        ["DIRECT_MESSAGE_TYPING"] = 1UL << 14,
        ["MESSAGE_CONTENT"] = 1UL << 15,
        ["GUILD_SCHEDULED_EVENTS"] = 1UL << 16,
        ["AUTO_MODERATION_CONFIGURATION"] = 1UL << 20,
        ["AUTO_MODERATION_EXECUTION"] = 1UL << 21,
        ["GUILD_MESSAGE_POLLS"] = 1UL << 24,
        ["DIRECT_MESSAGE_POLLS"] = 1UL << 25,
    };

    private static readonly char[] Separators = [',', '|'];

    /// <summary>
    /// Parses <paramref name="text"/>: names (any case) and unsigned numbers separated by commas or <c>|</c>,
    /// blanks around them ignored, OR-ed together. On failure <paramref name="bad"/> is the first entry that
    /// is neither a known name nor a number ("" for an empty value).
    /// </summary>
    public static bool TryParse(string text, out ulong intents, out string bad)
    {
        ArgumentNullException.ThrowIfNull(text);
        intents = 0;
        bad = "";
        var parts = text.Split(Separators, StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            if (part.Length > 0 && Bits.TryGetValue(part, out var bit))
            {
                intents |= bit;
            }
            else if (ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                intents |= number;
            }
            else
            {
                intents = 0;
                bad = part;
                return false;
            }
        }

        return true;
    }
}
