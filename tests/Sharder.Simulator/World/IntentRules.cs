using System.Collections.Frozen;

namespace Sharder.Simulator.World;

/// <summary>Which dispatches a session receives for its intents, and when message content is blanked (GP §11).</summary>
public static class IntentRules
{
    /// <summary>Sum of every documented intent bit (GP §11).</summary>
    public const int AllDocumented = 0x331FFFF;

    /// <summary>GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT.</summary>
    public const int Privileged = 0x8102;

    // Event type -> (intent needed for the guild variant, intent needed for the DM variant).
    // Types not listed are not tied to an intent and are always sent (GP §11).
    private static readonly FrozenDictionary<string, (GatewayIntents Guild, GatewayIntents Dm)> s_required = BuildTable();

    private static readonly FrozenSet<string> s_messageEventsWithContent =
        FrozenSet.ToFrozenSet(["MESSAGE_CREATE", "MESSAGE_UPDATE"], StringComparer.Ordinal);

    /// <summary>
    /// Whether an event of <paramref name="eventType"/> reaches a session identified with <paramref name="intents"/>.
    /// DM events (<paramref name="isGuildEvent"/> false) use the DIRECT_* intents. The bot's own
    /// GUILD_MEMBER_UPDATE is always sent; callers that know the member is the bot must skip this check.
    /// </summary>
    public static bool IsDelivered(string eventType, bool isGuildEvent, int intents)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (!s_required.TryGetValue(eventType, out var required))
        {
            return true;
        }

        var needed = isGuildEvent ? required.Guild : required.Dm;
        return (intents & (int)needed) != 0;
    }

    /// <summary>
    /// Whether <c>content</c>, <c>embeds</c>, <c>attachments</c>, <c>components</c> and <c>poll</c> must be
    /// blanked: a guild MESSAGE_CREATE/MESSAGE_UPDATE without MESSAGE_CONTENT, unless the message mentions the
    /// bot or is a DM (the documented exceptions; the bot's own messages also count as an exception).
    /// </summary>
    public static bool MustBlankContent(string eventType, bool isGuildEvent, int intents, bool mentionsBotOrIsDm)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (!s_messageEventsWithContent.Contains(eventType))
        {
            return false;
        }

        if ((intents & (int)GatewayIntents.MessageContent) != 0)
        {
            return false;
        }

        return isGuildEvent && !mentionsBotOrIsDm;
    }

    /// <summary>True when no bit outside the documented set is present.</summary>
    public static bool HasOnlyDocumentedBits(int intents) => (intents & ~AllDocumented) == 0;

    /// <summary>The privileged bits contained in <paramref name="intents"/>.</summary>
    public static int PrivilegedBits(int intents) => intents & Privileged;

    private static FrozenDictionary<string, (GatewayIntents Guild, GatewayIntents Dm)> BuildTable()
    {
        var table = new Dictionary<string, (GatewayIntents Guild, GatewayIntents Dm)>(StringComparer.Ordinal);

        void GuildOnly(GatewayIntents intent, params string[] types)
        {
            foreach (var type in types)
            {
                table[type] = (intent, intent);
            }
        }

        void GuildOrDm(GatewayIntents guild, GatewayIntents dm, params string[] types)
        {
            foreach (var type in types)
            {
                table[type] = (guild, dm);
            }
        }

        GuildOnly(GatewayIntents.Guilds,
            "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE",
            "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE",
            "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE",
            "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC",
            "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE",
            "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE",
            "VOICE_CHANNEL_STATUS_UPDATE", "VOICE_CHANNEL_START_TIME_UPDATE");
        GuildOrDm(GatewayIntents.Guilds, GatewayIntents.DirectMessages, "CHANNEL_PINS_UPDATE");
        GuildOnly(GatewayIntents.GuildMembers, "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE");
        GuildOnly(GatewayIntents.GuildModeration, "GUILD_AUDIT_LOG_ENTRY_CREATE", "GUILD_BAN_ADD", "GUILD_BAN_REMOVE");
        GuildOnly(GatewayIntents.GuildExpressions,
            "GUILD_EMOJIS_UPDATE", "GUILD_STICKERS_UPDATE",
            "GUILD_SOUNDBOARD_SOUND_CREATE", "GUILD_SOUNDBOARD_SOUND_UPDATE", "GUILD_SOUNDBOARD_SOUND_DELETE",
            "GUILD_SOUNDBOARD_SOUNDS_UPDATE");
        GuildOnly(GatewayIntents.GuildIntegrations,
            "GUILD_INTEGRATIONS_UPDATE", "INTEGRATION_CREATE", "INTEGRATION_UPDATE", "INTEGRATION_DELETE");
        GuildOnly(GatewayIntents.GuildWebhooks, "WEBHOOKS_UPDATE");
        GuildOnly(GatewayIntents.GuildInvites, "INVITE_CREATE", "INVITE_DELETE");
        GuildOnly(GatewayIntents.GuildVoiceStates, "VOICE_CHANNEL_EFFECT_SEND", "VOICE_STATE_UPDATE");
        GuildOnly(GatewayIntents.GuildPresences, "PRESENCE_UPDATE");
        GuildOrDm(GatewayIntents.GuildMessages, GatewayIntents.DirectMessages,
            "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK");
        GuildOrDm(GatewayIntents.GuildMessageReactions, GatewayIntents.DirectMessageReactions,
            "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL", "MESSAGE_REACTION_REMOVE_EMOJI");
        GuildOrDm(GatewayIntents.GuildMessageTyping, GatewayIntents.DirectMessageTyping, "TYPING_START");
        GuildOnly(GatewayIntents.GuildScheduledEvents,
            "GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE",
            "GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE");
        GuildOnly(GatewayIntents.AutoModerationConfiguration,
            "AUTO_MODERATION_RULE_CREATE", "AUTO_MODERATION_RULE_UPDATE", "AUTO_MODERATION_RULE_DELETE");
        GuildOnly(GatewayIntents.AutoModerationExecution, "AUTO_MODERATION_ACTION_EXECUTION");
        GuildOrDm(GatewayIntents.GuildMessagePolls, GatewayIntents.DirectMessagePolls,
            "MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE");

        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
