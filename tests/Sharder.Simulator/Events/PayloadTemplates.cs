namespace Sharder.Simulator.Events;

/// <summary>The fixed JSON templates of EventFactory, parsed once. Slot names are listed next to each template.</summary>
internal static class PayloadTemplates
{
    public static readonly string[] PresenceSlots =
        ["uid", "user", "status", "guild", "platform", "started_ms", "state", "game", "details", "created_ms", "app"];

    public static readonly JsonTemplate PresenceUpdate = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user":{"id":"{{user}}"},"status":"{{status}}","guild_id":"{{guild}}","client_status":{"{{platform}}":"{{status}}"},"broadcast":null,"activities":[{"type":0,"timestamps":{"start":{{started_ms}}},"state":"{{state}}","name":"{{game}}","id":"{{uid}}","details":"{{details}}","created_at":{{created_ms}},"application_id":"{{app}}","assets":{"large_text":"{{game}}","large_image":"{{app}}"}}]}""",
        PresenceSlots);

    public static readonly string[] TypingSlots =
        ["uid", "user", "unix_seconds", "user_prefix", "user_index", "joined_at", "channel", "guild"];

    public static readonly JsonTemplate TypingStartGuild = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user_id":"{{user}}","timestamp":{{unix_seconds}},"member":{"user":{"username":"{{user_prefix}}{{user_index}}","public_flags":0,"id":"{{user}}","global_name":null,"discriminator":"0","clan":null,"avatar_decoration_data":null,"avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null},"channel_id":"{{channel}}","guild_id":"{{guild}}"}""",
        TypingSlots);

    public static readonly JsonTemplate TypingStartDm = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user_id":"{{user}}","timestamp":{{unix_seconds}},"channel_id":"{{channel}}"}""",
        TypingSlots);

    public static readonly string[] ReactionSlots =
        ["uid", "user", "message", "author", "user_prefix", "user_index", "joined_at", "emoji", "channel", "guild"];

    public static readonly JsonTemplate ReactionAddGuild = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user_id":"{{user}}","type":0,"message_id":"{{message}}","message_author_id":"{{author}}","member":{"user":{"username":"{{user_prefix}}{{user_index}}","public_flags":0,"id":"{{user}}","global_name":null,"discriminator":"0","clan":null,"avatar_decoration_data":null,"avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null},"emoji":{"name":"{{emoji}}","id":null},"channel_id":"{{channel}}","burst":false,"guild_id":"{{guild}}"}""",
        ReactionSlots);

    public static readonly JsonTemplate ReactionAddDm = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user_id":"{{user}}","type":0,"message_id":"{{message}}","message_author_id":"{{author}}","emoji":{"name":"{{emoji}}","id":null},"channel_id":"{{channel}}","burst":false}""",
        ReactionSlots);

    public static readonly string[] MessageUpdateSlots =
        ["uid", "timestamp", "message", "edited", "content", "channel", "author", "author_prefix", "author_index", "joined_at", "guild"];

    public static readonly JsonTemplate MessageUpdate = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"type":0,"tts":false,"timestamp":"{{timestamp}}","pinned":false,"mentions":[],"mention_roles":[],"mention_everyone":false,"member":{"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null},"id":"{{message}}","flags":0,"embeds":[],"edited_timestamp":"{{edited}}","content":"{{content}}","components":[],"channel_type":0,"channel_id":"{{channel}}","author":{"username":"{{author_prefix}}{{author_index}}","public_flags":0,"id":"{{author}}","global_name":null,"discriminator":"0","clan":null,"avatar_decoration_data":null,"avatar":null},"attachments":[],"guild_id":"{{guild}}"}""",
        MessageUpdateSlots);

    public static readonly JsonTemplate MessageUpdateBlank = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"type":0,"tts":false,"timestamp":"{{timestamp}}","pinned":false,"mentions":[],"mention_roles":[],"mention_everyone":false,"member":{"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null},"id":"{{message}}","flags":0,"embeds":[],"edited_timestamp":"{{edited}}","content":"","components":[],"channel_type":0,"channel_id":"{{channel}}","author":{"username":"{{author_prefix}}{{author_index}}","public_flags":0,"id":"{{author}}","global_name":null,"discriminator":"0","clan":null,"avatar_decoration_data":null,"avatar":null},"attachments":[],"guild_id":"{{guild}}"}""",
        MessageUpdateSlots);

    public static readonly string[] MemberAddSlots = ["uid", "user", "prefix", "index", "joined_at", "guild"];

    public static readonly JsonTemplate GuildMemberAdd = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"user":{"username":"{{prefix}}{{index}}","public_flags":0,"id":"{{user}}","global_name":null,"discriminator":"0","avatar_decoration_data":null,"avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null,"guild_id":"{{guild}}"}""",
        MemberAddSlots);

    public static readonly string[] GuildDeleteSlots = ["uid", "guild"];

    public static readonly JsonTemplate GuildDeleteUnavailable = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"unavailable":true,"id":"{{guild}}"}""", GuildDeleteSlots);

    public static readonly JsonTemplate GuildDeleteRemoved = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"id":"{{guild}}"}""", GuildDeleteSlots);

    public static readonly JsonTemplate GuildCreateUnavailable = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"id":"{{guild}}","unavailable":true}""", GuildDeleteSlots);

    public static readonly string[] GuildHeaderSlots =
        ["uid", "guild", "name", "owner", "system_channel", "joined_at", "large", "member_count"];

    // Channels, members and presences follow the header; the closing brackets are written by the factory.
    public static readonly JsonTemplate GuildCreateHeader = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"id":"{{guild}}","name":"{{name}}","icon":null,"description":null,"home_header":null,"splash":null,"discovery_splash":null,"banner":null,"features":[],"owner_id":"{{owner}}","application_id":null,"region":"deprecated","afk_channel_id":null,"afk_timeout":300,"system_channel_id":"{{system_channel}}","system_channel_flags":0,"widget_enabled":false,"widget_channel_id":null,"verification_level":1,"default_message_notifications":1,"mfa_level":0,"explicit_content_filter":2,"max_presences":null,"max_members":500000,"max_stage_video_channel_users":50,"max_video_channel_users":25,"vanity_url_code":null,"premium_tier":0,"premium_subscription_count":0,"preferred_locale":"en-US","rules_channel_id":null,"safety_alerts_channel_id":null,"public_updates_channel_id":null,"hub_type":null,"premium_progress_bar_enabled":false,"latest_onboarding_question_id":null,"nsfw":false,"nsfw_level":0,"incidents_data":null,"embedded_activities":[],"activity_instances":[],"version":0,"lazy":true,"roles":[{"id":"{{guild}}","name":"@everyone","description":null,"permissions":"2248473465835073","position":0,"color":0,"colors":{"primary_color":0,"secondary_color":null,"tertiary_color":null},"hoist":false,"managed":false,"mentionable":false,"icon":null,"unicode_emoji":null,"flags":0}],"emojis":[],"stickers":[],"joined_at":"{{joined_at}}","large":{{large}},"unavailable":false,"member_count":{{member_count}},"voice_states":[],"threads":[],"stage_instances":[],"guild_scheduled_events":[],"soundboard_sounds":[],"channels":[""",
        GuildHeaderSlots);

    public static readonly string[] ChannelSlots = ["position", "channel"];

    public static readonly JsonTemplate TextChannel = JsonTemplate.Parse(
        """{"version":0,"type":0,"topic":null,"rate_limit_per_user":0,"position":{{position}},"permission_overwrites":[],"parent_id":null,"nsfw":false,"name":"text-{{position}}","last_message_id":null,"id":"{{channel}}","flags":0}""",
        ChannelSlots);

    public static readonly JsonTemplate VoiceChannel = JsonTemplate.Parse(
        """{"version":0,"user_limit":0,"type":2,"rtc_region":null,"rate_limit_per_user":0,"position":{{position}},"permission_overwrites":[],"parent_id":null,"nsfw":false,"name":"voice-{{position}}","last_message_id":null,"id":"{{channel}}","flags":0,"bitrate":64000}""",
        ChannelSlots);

    public static readonly string[] MemberSlots = ["user", "prefix", "index", "is_bot", "joined_at"];

    public static readonly JsonTemplate Member = JsonTemplate.Parse(
        """{"user":{"username":"{{prefix}}{{index}}","public_flags":0,"id":"{{user}}","global_name":null,"display_name":null,"discriminator":"0","bot":{{is_bot}},"avatar_decoration_data":null,"avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"{{joined_at}}","flags":0,"deaf":false,"communication_disabled_until":null,"banner":null,"avatar":null}""",
        MemberSlots);

    public static readonly string[] MemberPresenceSlots = ["user", "status", "platform", "game", "created_ms"];

    public static readonly JsonTemplate MemberPresence = JsonTemplate.Parse(
        """{"user":{"id":"{{user}}"},"status":"{{status}}","client_status":{"{{platform}}":"{{status}}"},"broadcast":null,"activities":[]}""",
        MemberPresenceSlots);

    public static readonly JsonTemplate MemberPresenceWithActivity = JsonTemplate.Parse(
        """{"user":{"id":"{{user}}"},"status":"{{status}}","client_status":{"{{platform}}":"{{status}}"},"broadcast":null,"activities":[{"type":0,"name":"{{game}}","id":"{{created_ms}}","created_at":{{created_ms}}}]}""",
        MemberPresenceSlots);

    public static readonly string[] ChunkSlots = ["uid", "guild", "chunk_index", "chunk_count", "nonce_part"];

    // The member list and the closing "]}" follow.
    public static readonly JsonTemplate MembersChunkHeader = JsonTemplate.Parse(
        """{"x_sim_uid":{{uid}},"guild_id":"{{guild}}","chunk_index":{{chunk_index}},"chunk_count":{{chunk_count}}{{nonce_part}},"members":[""",
        ChunkSlots);

    /// <summary>READY/RESUMED <c>_trace</c>, as real Discord writes it (a JSON string holding JSON).</summary>
    public const string TraceJson = """["[\"sim-gateway-0\",{\"micros\":0.0}]"]""";

    public static readonly byte[][] Statuses = [.. new[] { "online", "idle", "dnd" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static readonly byte[][] Platforms = [.. new[] { "desktop", "mobile", "web" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static readonly byte[][] Games =
    [
        .. new[] { "Minecraft", "Stardew Valley", "Factorio", "Rocket League", "Terraria", "Celeste", "Hades", "Dota 2" }
            .Select(System.Text.Encoding.UTF8.GetBytes),
    ];

    public static readonly byte[][] Emojis = [.. new[] { "👍", "🔥", "😂", "🎉", "❤️", "👀" }.Select(System.Text.Encoding.UTF8.GetBytes)];
}
