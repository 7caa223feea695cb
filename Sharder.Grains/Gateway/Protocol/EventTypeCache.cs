using System.Collections.Concurrent;
using System.Text;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// Maps the UTF-8 bytes of an event name to one shared <see cref="string"/> instance, so peeking
/// thousands of dispatches per second does not allocate a string for each <c>t</c>.
/// </summary>
internal static class EventTypeCache
{
    /// <summary>Names longer than this are never cached (Discord's longest is under 40 characters).</summary>
    internal const int MaxCachedNameLength = 64;

    /// <summary>Bound on names added beyond the known ones, so a misbehaving server cannot grow the cache forever.</summary>
    internal const int MaxUnknownNames = 512;

    private static readonly ConcurrentDictionary<string, string> s_names = CreateWithKnownNames();
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_names.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int s_unknownNameCount;

    /// <summary>Returns the shared instance for <paramref name="utf8Name"/>, adding it while there is room.</summary>
    public static string Get(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.Length > MaxCachedNameLength)
        {
            return Encoding.UTF8.GetString(utf8Name);
        }

        Span<char> chars = stackalloc char[MaxCachedNameLength];
        var length = Encoding.UTF8.GetChars(utf8Name, chars);
        var name = chars[..length];
        if (s_lookup.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var created = name.ToString();
        if (Volatile.Read(ref s_unknownNameCount) >= MaxUnknownNames)
        {
            return created;
        }

        var shared = s_names.GetOrAdd(created, created);
        if (ReferenceEquals(shared, created))
        {
            Interlocked.Increment(ref s_unknownNameCount);
        }

        return shared;
    }

    private static ConcurrentDictionary<string, string> CreateWithKnownNames()
    {
        string[] known =
        [
            "READY", "RESUMED", "RATE_LIMITED",
            "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
            "AUTO_MODERATION_RULE_CREATE", "AUTO_MODERATION_RULE_UPDATE", "AUTO_MODERATION_RULE_DELETE",
            "AUTO_MODERATION_ACTION_EXECUTION",
            "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "CHANNEL_PINS_UPDATE", "CHANNEL_INFO",
            "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC",
            "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE",
            "ENTITLEMENT_CREATE", "ENTITLEMENT_UPDATE", "ENTITLEMENT_DELETE",
            "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_BAN_ADD", "GUILD_BAN_REMOVE", "GUILD_EMOJIS_UPDATE", "GUILD_STICKERS_UPDATE",
            "GUILD_INTEGRATIONS_UPDATE", "GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE", "GUILD_MEMBER_UPDATE",
            "GUILD_MEMBERS_CHUNK", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE",
            "GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE",
            "GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE",
            "GUILD_SOUNDBOARD_SOUND_CREATE", "GUILD_SOUNDBOARD_SOUND_UPDATE", "GUILD_SOUNDBOARD_SOUND_DELETE",
            "GUILD_SOUNDBOARD_SOUNDS_UPDATE", "SOUNDBOARD_SOUNDS",
            "INTEGRATION_CREATE", "INTEGRATION_UPDATE", "INTEGRATION_DELETE", "INTERACTION_CREATE",
            "INVITE_CREATE", "INVITE_DELETE",
            "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK",
            "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL",
            "MESSAGE_REACTION_REMOVE_EMOJI", "MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE",
            "PRESENCE_UPDATE", "TYPING_START", "USER_UPDATE",
            "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE",
            "SUBSCRIPTION_CREATE", "SUBSCRIPTION_UPDATE", "SUBSCRIPTION_DELETE",
            "VOICE_CHANNEL_EFFECT_SEND", "VOICE_STATE_UPDATE", "VOICE_SERVER_UPDATE", "WEBHOOKS_UPDATE",
        ];

        var names = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in known)
        {
            names[name] = name;
        }

        return names;
    }
}
