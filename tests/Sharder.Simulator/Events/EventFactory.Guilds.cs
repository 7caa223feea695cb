using System.Buffers;
using System.Text.Json;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

public sealed partial class EventFactory
{
    /// <summary>Members per GUILD_MEMBERS_CHUNK (GP §12).</summary>
    public const int MaxMembersPerChunk = 1000;

    /// <summary>Results of a prefix query are capped at 100 (GP §12).</summary>
    public const int MaxQueryResults = 100;

    /// <summary>
    /// GUILD_CREATE for one session (R-5.3, GP §4.3). <c>large</c> = member_count &gt; large_threshold. With
    /// GUILD_PRESENCES and at most 75,000 members the payload lists members (all of them, or only the online
    /// ones when large) and their presences; otherwise only the bot. An unavailable guild yields
    /// <c>{id, unavailable:true}</c>. Large guilds produce multi-megabyte payloads.
    /// </summary>
    public SimEvent GuildCreate(SimGuild guild, int intents, int largeThreshold)
    {
        ArgumentNullException.ThrowIfNull(guild);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        if (guild.Unavailable)
        {
            ReadOnlySpan<TemplateValue> stub = [TemplateValue.Number(uid), TemplateValue.Number(guild.Id)];
            return new SimEvent(uid, "GUILD_CREATE", guild.Id, PayloadTemplates.GuildCreateUnavailable.Render(stub), null, now);
        }

        bool large = guild.MemberCount > largeThreshold;
        bool withPresences = (intents & (int)GatewayIntents.GuildPresences) != 0
            && guild.MemberCount <= GuildLayout.MaxMembersSentInGuildCreate;
        int sentMembers = !withPresences ? 1 : large ? guild.OnlineMemberCount : guild.MemberCount;
        int presences = withPresences ? Math.Max(0, Math.Min(sentMembers, guild.OnlineMemberCount) - 1) : 0;

        long estimate = GuildLayout.BaseBytes + ((long)guild.ChannelCount * GuildLayout.BytesPerChannel)
            + ((long)sentMembers * GuildLayout.BytesPerSentMember) + 4096;
        var writer = new ArrayBufferWriter<byte>((int)Math.Min(estimate, Array.MaxLength));

        ReadOnlySpan<TemplateValue> header =
        [
            TemplateValue.Number(uid),
            TemplateValue.Number(guild.Id),
            TemplateValue.Utf8(guild.NameJson),
            TemplateValue.Number(guild.MemberCount > 1 ? _world.MemberUserId(guild.Id, 1) : _world.BotUserSnowflake),
            TemplateValue.Number(SimWorld.ChannelId(guild.Id, 0)),
            TemplateValue.Time(guild.JoinedAt),
            TemplateValue.Bool(large),
            TemplateValue.Number((long)guild.MemberCount),
        ];
        PayloadTemplates.GuildCreateHeader.WriteTo(writer, header);
        WriteChannels(writer, guild);
        writer.Write("],\"members\":["u8);
        WriteMembers(writer, guild, 0, sentMembers);
        writer.Write("],\"presences\":["u8);
        WritePresences(writer, guild, 1, presences, now.ToUnixTimeMilliseconds());
        writer.Write("]}"u8);
        return new SimEvent(uid, "GUILD_CREATE", guild.Id, writer.WrittenMemory, null, now);
    }

    /// <summary>GUILD_DELETE: <c>unavailable:true</c> for an outage (F27), without it when the bot left the guild.</summary>
    public SimEvent GuildDelete(ulong guildId, bool unavailable)
    {
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        ReadOnlySpan<TemplateValue> values = [TemplateValue.Number(uid), TemplateValue.Number(guildId)];
        var template = unavailable ? PayloadTemplates.GuildDeleteUnavailable : PayloadTemplates.GuildDeleteRemoved;
        return new SimEvent(uid, "GUILD_DELETE", guildId, template.Render(values), null, now);
    }

    /// <summary>
    /// The GUILD_MEMBERS_CHUNK answer to op 8: at most 1000 members per chunk, each with
    /// <c>chunk_index</c>, <c>chunk_count</c> and the request's <c>nonce</c>. An empty query with limit 0 asks
    /// for every member and needs GUILD_MEMBERS; without it the answer is one empty chunk. A non-empty
    /// query matches username prefixes (case-insensitive), at most <see cref="MaxQueryResults"/>.
    /// </summary>
    public IReadOnlyList<SimEvent> GuildMembersChunks(ulong guildId, string? nonce, int limit, string? query, int intents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var guild = RequireGuild(guildId);
        var matches = MatchMembers(guild, limit, query ?? string.Empty, intents);
        int chunkCount = Math.Max(1, (matches.Count + MaxMembersPerChunk - 1) / MaxMembersPerChunk);
        var noncePart = nonce is null
            ? ReadOnlyMemory<byte>.Empty
            : new ReadOnlyMemory<byte>([.. ",\"nonce\":\""u8, .. JsonEncodedText.Encode(nonce).EncodedUtf8Bytes, .. "\""u8]);
        var now = _time.GetUtcNow();
        var chunks = new SimEvent[chunkCount];
        for (int chunk = 0; chunk < chunkCount; chunk++)
        {
            long uid = _uids.Next(now);
            var writer = new ArrayBufferWriter<byte>(256 + (MaxMembersPerChunk * 400));
            ReadOnlySpan<TemplateValue> header =
            [
                TemplateValue.Number(uid),
                TemplateValue.Number(guildId),
                TemplateValue.Number((long)chunk),
                TemplateValue.Number((long)chunkCount),
                TemplateValue.Utf8(noncePart),
            ];
            PayloadTemplates.MembersChunkHeader.WriteTo(writer, header);
            int first = chunk * MaxMembersPerChunk;
            int count = Math.Min(MaxMembersPerChunk, matches.Count - first);
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    writer.Write(","u8);
                }

                WriteMember(writer, guild, matches[first + i]);
            }

            writer.Write("]}"u8);
            chunks[chunk] = new SimEvent(uid, "GUILD_MEMBERS_CHUNK", guildId, writer.WrittenMemory, null, now);
        }

        return chunks;
    }

    private List<int> MatchMembers(SimGuild guild, int limit, string query, int intents)
    {
        var matches = new List<int>();
        if (query.Length == 0)
        {
            bool allMembers = limit == 0;
            if (allMembers && (intents & (int)GatewayIntents.GuildMembers) == 0)
            {
                return matches;
            }

            int take = allMembers ? guild.MemberCount : Math.Min(limit, guild.MemberCount);
            matches.AddRange(Enumerable.Range(0, take));
            return matches;
        }

        int cap = limit == 0 ? MaxQueryResults : Math.Min(limit, MaxQueryResults);
        for (int index = 0; index < guild.MemberCount && matches.Count < cap; index++)
        {
            if (_world.MemberUsername(index).StartsWith(query, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(index);
            }
        }

        return matches;
    }

    private static void WriteChannels(ArrayBufferWriter<byte> writer, SimGuild guild)
    {
        for (int index = 0; index < guild.ChannelCount; index++)
        {
            if (index > 0)
            {
                writer.Write(","u8);
            }

            ReadOnlySpan<TemplateValue> values =
            [
                TemplateValue.Number((long)index),
                TemplateValue.Number(SimWorld.ChannelId(guild.Id, index)),
            ];
            (IsVoiceChannel(index) ? PayloadTemplates.VoiceChannel : PayloadTemplates.TextChannel).WriteTo(writer, values);
        }
    }

    private void WriteMembers(ArrayBufferWriter<byte> writer, SimGuild guild, int first, int count)
    {
        for (int index = first; index < first + count; index++)
        {
            if (index > first)
            {
                writer.Write(","u8);
            }

            WriteMember(writer, guild, index);
        }
    }

    private void WriteMember(ArrayBufferWriter<byte> writer, SimGuild guild, int index)
    {
        var member = Member(guild, index);
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(member.UserId),
            TemplateValue.Utf8(member.NamePrefix),
            member.NameIndex,
            TemplateValue.Bool(index == 0),
            TemplateValue.Time(member.JoinedAt),
        ];
        PayloadTemplates.Member.WriteTo(writer, values);
    }

    // Presence of member i is a pure function of (guild, i), so repeated GUILD_CREATEs agree.
    private void WritePresences(ArrayBufferWriter<byte> writer, SimGuild guild, int first, int count, long nowMs)
    {
        for (int index = first; index < first + count; index++)
        {
            if (index > first)
            {
                writer.Write(","u8);
            }

            ReadOnlySpan<TemplateValue> values =
            [
                TemplateValue.Number(_world.MemberUserId(guild.Id, index)),
                TemplateValue.Utf8(PayloadTemplates.Statuses[index % PayloadTemplates.Statuses.Length]),
                TemplateValue.Utf8(PayloadTemplates.Platforms[(index / 3) % PayloadTemplates.Platforms.Length]),
                TemplateValue.Utf8(PayloadTemplates.Games[index % PayloadTemplates.Games.Length]),
                TemplateValue.Number(nowMs - (index % 3600) * 1000L),
            ];
            var template = index % 4 == 0 ? PayloadTemplates.MemberPresenceWithActivity : PayloadTemplates.MemberPresence;
            template.WriteTo(writer, values);
        }
    }
}
