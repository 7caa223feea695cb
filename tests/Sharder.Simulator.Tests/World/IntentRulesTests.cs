using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.World;

public sealed class IntentRulesTests
{
    private const int None = 0;

    [Fact]
    public void Constants_match_the_enum()
    {
        int all = Enum.GetValues<GatewayIntents>().Aggregate(0, (sum, intent) => sum | (int)intent);

        Assert.Equal(IntentRules.AllDocumented, all);
        Assert.Equal(53608447, IntentRules.AllDocumented);
        Assert.Equal((int)(GatewayIntents.GuildMembers | GatewayIntents.GuildPresences | GatewayIntents.MessageContent), IntentRules.Privileged);
        Assert.True(IntentRules.HasOnlyDocumentedBits(IntentRules.AllDocumented));
        Assert.False(IntentRules.HasOnlyDocumentedBits(1 << 17));
        Assert.Equal(256, IntentRules.PrivilegedBits(256 | 512));
    }

    [Theory]
    [InlineData("MESSAGE_CREATE", true, GatewayIntents.GuildMessages, true)]
    [InlineData("MESSAGE_CREATE", true, GatewayIntents.DirectMessages, false)]
    [InlineData("MESSAGE_CREATE", false, GatewayIntents.DirectMessages, true)]
    [InlineData("MESSAGE_CREATE", false, GatewayIntents.GuildMessages, false)]
    [InlineData("MESSAGE_UPDATE", true, GatewayIntents.GuildMessages, true)]
    [InlineData("MESSAGE_DELETE_BULK", true, GatewayIntents.Guilds, false)]
    [InlineData("PRESENCE_UPDATE", true, GatewayIntents.GuildPresences, true)]
    [InlineData("PRESENCE_UPDATE", true, GatewayIntents.Guilds | GatewayIntents.GuildMessages, false)]
    [InlineData("TYPING_START", true, GatewayIntents.GuildMessageTyping, true)]
    [InlineData("TYPING_START", true, GatewayIntents.DirectMessageTyping, false)]
    [InlineData("TYPING_START", false, GatewayIntents.DirectMessageTyping, true)]
    [InlineData("MESSAGE_REACTION_ADD", true, GatewayIntents.GuildMessageReactions, true)]
    [InlineData("MESSAGE_REACTION_ADD", false, GatewayIntents.GuildMessageReactions, false)]
    [InlineData("MESSAGE_REACTION_ADD", false, GatewayIntents.DirectMessageReactions, true)]
    [InlineData("GUILD_CREATE", true, GatewayIntents.Guilds, true)]
    [InlineData("GUILD_CREATE", true, GatewayIntents.GuildMembers, false)]
    [InlineData("GUILD_DELETE", true, GatewayIntents.Guilds, true)]
    [InlineData("CHANNEL_PINS_UPDATE", true, GatewayIntents.Guilds, true)]
    [InlineData("CHANNEL_PINS_UPDATE", false, GatewayIntents.Guilds, false)]
    [InlineData("CHANNEL_PINS_UPDATE", false, GatewayIntents.DirectMessages, true)]
    [InlineData("THREAD_MEMBERS_UPDATE", true, GatewayIntents.Guilds, true)]
    [InlineData("GUILD_MEMBER_ADD", true, GatewayIntents.GuildMembers, true)]
    [InlineData("GUILD_MEMBER_ADD", true, GatewayIntents.Guilds, false)]
    [InlineData("GUILD_BAN_ADD", true, GatewayIntents.GuildModeration, true)]
    [InlineData("GUILD_AUDIT_LOG_ENTRY_CREATE", true, GatewayIntents.GuildModeration, true)]
    [InlineData("GUILD_SOUNDBOARD_SOUNDS_UPDATE", true, GatewayIntents.GuildExpressions, true)]
    [InlineData("INTEGRATION_CREATE", true, GatewayIntents.GuildIntegrations, true)]
    [InlineData("WEBHOOKS_UPDATE", true, GatewayIntents.GuildWebhooks, true)]
    [InlineData("INVITE_CREATE", true, GatewayIntents.GuildInvites, true)]
    [InlineData("VOICE_STATE_UPDATE", true, GatewayIntents.GuildVoiceStates, true)]
    [InlineData("VOICE_STATE_UPDATE", true, GatewayIntents.Guilds, false)]
    [InlineData("GUILD_SCHEDULED_EVENT_USER_ADD", true, GatewayIntents.GuildScheduledEvents, true)]
    [InlineData("AUTO_MODERATION_RULE_CREATE", true, GatewayIntents.AutoModerationConfiguration, true)]
    [InlineData("AUTO_MODERATION_ACTION_EXECUTION", true, GatewayIntents.AutoModerationConfiguration, false)]
    [InlineData("AUTO_MODERATION_ACTION_EXECUTION", true, GatewayIntents.AutoModerationExecution, true)]
    [InlineData("MESSAGE_POLL_VOTE_ADD", true, GatewayIntents.GuildMessagePolls, true)]
    [InlineData("MESSAGE_POLL_VOTE_ADD", false, GatewayIntents.GuildMessagePolls, false)]
    [InlineData("MESSAGE_POLL_VOTE_ADD", false, GatewayIntents.DirectMessagePolls, true)]
    [InlineData("READY", true, GatewayIntents.None, true)]
    [InlineData("INTERACTION_CREATE", true, GatewayIntents.None, true)]
    [InlineData("GUILD_MEMBERS_CHUNK", true, GatewayIntents.None, true)]
    [InlineData("RATE_LIMITED", true, GatewayIntents.None, true)]
    [InlineData("ENTITLEMENT_CREATE", false, GatewayIntents.None, true)]
    public void IsDelivered_follows_the_intent_table(string type, bool isGuild, GatewayIntents intents, bool delivered)
    {
        Assert.Equal(delivered, IntentRules.IsDelivered(type, isGuild, (int)intents));
    }

    [Fact]
    public void No_listed_event_is_delivered_without_intents_and_every_one_is_delivered_with_all()
    {
        string[] listed = ["MESSAGE_CREATE", "PRESENCE_UPDATE", "TYPING_START", "GUILD_CREATE", "GUILD_MEMBER_UPDATE", "MESSAGE_POLL_VOTE_REMOVE"];

        Assert.All(listed, type => Assert.False(IntentRules.IsDelivered(type, true, None)));
        Assert.All(listed, type => Assert.True(IntentRules.IsDelivered(type, true, IntentRules.AllDocumented)));
    }

    [Theory]
    [InlineData("MESSAGE_CREATE", true, GatewayIntents.GuildMessages, false, true)]
    [InlineData("MESSAGE_CREATE", true, GatewayIntents.GuildMessages | GatewayIntents.MessageContent, false, false)]
    [InlineData("MESSAGE_CREATE", true, GatewayIntents.GuildMessages, true, false)]
    [InlineData("MESSAGE_CREATE", false, GatewayIntents.DirectMessages, false, false)]
    [InlineData("MESSAGE_UPDATE", true, GatewayIntents.GuildMessages, false, true)]
    [InlineData("MESSAGE_DELETE", true, GatewayIntents.GuildMessages, false, false)]
    [InlineData("PRESENCE_UPDATE", true, GatewayIntents.GuildPresences, false, false)]
    public void MustBlankContent_applies_the_message_content_rule_and_its_exceptions(string type, bool isGuild, GatewayIntents intents, bool mentionsBotOrIsDm, bool blank)
    {
        Assert.Equal(blank, IntentRules.MustBlankContent(type, isGuild, (int)intents, mentionsBotOrIsDm));
    }
}
