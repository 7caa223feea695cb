using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

public sealed partial class EventFactory
{
    private const int MessageUpdateContentLength = 120;

    /// <summary>
    /// MESSAGE_UPDATE of an earlier message in a guild: the message keeps its older <c>id</c> and
    /// <c>timestamp</c>; <c>edited_timestamp</c> is the time the edit is produced (the event's clock in a
    /// reshard cut-over). The content-blanked variant is what a session without MESSAGE_CONTENT receives.
    /// </summary>
    public SimEvent MessageUpdate(ulong guildId)
    {
        var guild = RequireGuild(guildId);
        var author = PickMember(guild, onlineOnly: false);
        ulong channel = PickTextChannel(guild);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        // The edited message is up to ~17 minutes older than the edit.
        ulong age = (ulong)(NextInt(1_000_000) + 1) << 22;
        ulong messageId = (ulong)uid > age ? (ulong)uid - age : (ulong)uid;
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Time(Snowflake.TimestampOf(messageId)),
            TemplateValue.Number(messageId),
            TemplateValue.Time(now),
            TemplateValue.Utf8(TextSlice(MessageUpdateContentLength)),
            TemplateValue.Number(channel),
            TemplateValue.Number(author.UserId),
            TemplateValue.Utf8(author.NamePrefix),
            author.NameIndex,
            TemplateValue.Time(author.JoinedAt),
            TemplateValue.Number(guildId),
        ];
        return new SimEvent(
            uid, "MESSAGE_UPDATE", guildId, PayloadTemplates.MessageUpdate.Render(values), PayloadTemplates.MessageUpdateBlank.Render(values), now);
    }

    /// <summary>
    /// GUILD_MEMBER_ADD: a new user joins the guild now; <c>joined_at</c> is the time the event is produced (the
    /// event's clock in a reshard cut-over). The user's snowflake is new too.
    /// </summary>
    public SimEvent GuildMemberAdd(ulong guildId)
    {
        RequireGuild(guildId);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        int index = 1 + NextInt(1 << 20);
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Number(uid),
            TemplateValue.Utf8(MemberNames.PrefixUtf8(index)),
            TemplateValue.Number((ulong)index),
            TemplateValue.Time(now),
            TemplateValue.Number(guildId),
        ];
        return new SimEvent(uid, "GUILD_MEMBER_ADD", guildId, PayloadTemplates.GuildMemberAdd.Render(values), null, now);
    }
}
