using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

/// <summary>
/// Builds dispatch payloads from pre-serialized templates; ids, uids, timestamps and text slices are spliced
/// in per event (R-11.2). Thread-safe. Every payload carries its uid as described in <see cref="SimEventUid"/>.
/// </summary>
public sealed partial class EventFactory
{
    /// <summary>Largest MESSAGE_CREATE the templates can reach (2000 characters of content plus 10 full embeds).</summary>
    public const int MaxMessageBytes = 48 * 1024;

    private const int SizeBucketBytes = 32;
    private const int PresenceStateLength = 40;
    private const int PresenceDetailsLength = 48;

    private readonly SimWorld _world;
    private readonly EventUidSource _uids;
    private readonly TimeProvider _time;
    private readonly Lock _randomGate = new();
    private readonly Random _random;
    private readonly TextCorpus _corpus;
    private readonly byte[] _botNameJson;
    private readonly ConcurrentDictionary<int, MessageTemplateSet> _messageTemplates = new();

    public EventFactory(SimWorld world, EventUidSource uids, TimeProvider time, int seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(time);
        _world = world;
        _uids = uids;
        _time = time;
        _random = new Random(seed);
        _corpus = new TextCorpus(seed);
        _botNameJson = JsonEncodedText.Encode(world.BotUsername).EncodedUtf8Bytes.ToArray();
    }

    public SimWorld World => _world;

    /// <summary>MESSAGE_CREATE of about <paramref name="approxBytes"/> (full variant, at most about <see cref="MaxMessageBytes"/>); null guild = DM.</summary>
    public SimEvent MessageCreate(ulong? guildId, int approxBytes = 1024) => MessageCreate(guildId, approxBytes, mentionsBot: false);

    /// <summary>MESSAGE_CREATE that may mention the bot (then its content is never blanked, GP §11).</summary>
    public SimEvent MessageCreate(ulong? guildId, int approxBytes, bool mentionsBot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(approxBytes, 1);
        var guild = guildId is { } id ? RequireGuild(id) : null;
        var templates = MessageTemplates(approxBytes, isDm: guild is null, mentionsBot);
        var author = guild is null ? PickDmUser() : PickMember(guild, onlineOnly: false);
        ulong channel = guild is null ? SimIds.DmChannel(author.UserId) : PickTextChannel(guild);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);

        Span<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Time(now),
            TemplateValue.Number(guildId ?? 0),
            TemplateValue.Number(channel),
            TemplateValue.Number(author.UserId),
            TemplateValue.Utf8(author.NamePrefix),
            author.NameIndex,
            TemplateValue.Time(author.JoinedAt),
            TemplateValue.Number(_world.BotUserSnowflake),
            TemplateValue.Utf8(TextSlice(templates.ContentLength)),
            Description(templates, 0), Description(templates, 1), Description(templates, 2), Description(templates, 3),
            Description(templates, 4), Description(templates, 5), Description(templates, 6), Description(templates, 7),
            Description(templates, 8), Description(templates, 9),
            TemplateValue.Utf8(_botNameJson),
        ];

        return new SimEvent(uid, "MESSAGE_CREATE", guildId, templates.Full.Render(values), templates.Blank.Render(values), now)
        {
            MentionsBot = mentionsBot,
        };
    }

    /// <summary>PRESENCE_UPDATE of an online member with one game activity (about 0.5 KB).</summary>
    public SimEvent PresenceUpdate(ulong guildId)
    {
        var guild = RequireGuild(guildId);
        var member = PickMember(guild, onlineOnly: true);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        long nowMs = now.ToUnixTimeMilliseconds();
        int game = NextInt(PayloadTemplates.Games.Length);
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Number(member.UserId),
            TemplateValue.Utf8(PayloadTemplates.Statuses[NextInt(PayloadTemplates.Statuses.Length)]),
            TemplateValue.Number(guildId),
            TemplateValue.Utf8(PayloadTemplates.Platforms[NextInt(PayloadTemplates.Platforms.Length)]),
            TemplateValue.Number(nowMs - NextInt(3 * 3600 * 1000)),
            TemplateValue.Utf8(TextSlice(PresenceStateLength)),
            TemplateValue.Utf8(PayloadTemplates.Games[game]),
            TemplateValue.Utf8(TextSlice(PresenceDetailsLength)),
            TemplateValue.Number(nowMs),
            TemplateValue.Number(GameApplicationId(game)),
        ];
        return new SimEvent(uid, "PRESENCE_UPDATE", guildId, PayloadTemplates.PresenceUpdate.Render(values), null, now);
    }

    /// <summary>TYPING_START in a guild text channel, or in a DM when <paramref name="guildId"/> is null.</summary>
    public SimEvent TypingStart(ulong? guildId)
    {
        var guild = guildId is { } id ? RequireGuild(id) : null;
        var user = guild is null ? PickDmUser() : PickMember(guild, onlineOnly: true);
        ulong channel = guild is null ? SimIds.DmChannel(user.UserId) : PickTextChannel(guild);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Number(user.UserId),
            TemplateValue.Number(now.ToUnixTimeSeconds()),
            TemplateValue.Utf8(user.NamePrefix),
            user.NameIndex,
            TemplateValue.Time(user.JoinedAt),
            TemplateValue.Number(channel),
            TemplateValue.Number(guildId ?? 0),
        ];
        var template = guild is null ? PayloadTemplates.TypingStartDm : PayloadTemplates.TypingStartGuild;
        return new SimEvent(uid, "TYPING_START", guildId, template.Render(values), null, now);
    }

    /// <summary>MESSAGE_REACTION_ADD on an earlier message; null guild = DM.</summary>
    public SimEvent MessageReactionAdd(ulong? guildId)
    {
        var guild = guildId is { } id ? RequireGuild(id) : null;
        var user = guild is null ? PickDmUser() : PickMember(guild, onlineOnly: true);
        var author = guild is null ? user : PickMember(guild, onlineOnly: false);
        ulong channel = guild is null ? SimIds.DmChannel(user.UserId) : PickTextChannel(guild);
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        // An older message: the uid moved back by up to ~17 minutes of snowflake time.
        ulong age = (ulong)(NextInt(1_000_000) + 1) << 22;
        ulong messageId = (ulong)uid > age ? (ulong)uid - age : (ulong)uid;
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(uid),
            TemplateValue.Number(user.UserId),
            TemplateValue.Number(messageId),
            TemplateValue.Number(author.UserId),
            TemplateValue.Utf8(user.NamePrefix),
            user.NameIndex,
            TemplateValue.Time(user.JoinedAt),
            TemplateValue.Utf8(PayloadTemplates.Emojis[NextInt(PayloadTemplates.Emojis.Length)]),
            TemplateValue.Number(channel),
            TemplateValue.Number(guildId ?? 0),
        ];
        var template = guild is null ? PayloadTemplates.ReactionAddDm : PayloadTemplates.ReactionAddGuild;
        return new SimEvent(uid, "MESSAGE_REACTION_ADD", guildId, template.Render(values), null, now);
    }

    /// <summary>
    /// Any dispatch from caller-supplied JSON. <paramref name="dJson"/> must be a JSON object; the uid is
    /// inserted as its first property.
    /// </summary>
    public SimEvent Custom(string type, ulong? guildId, string dJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(dJson);
        var body = Encoding.UTF8.GetBytes(dJson.Trim());
        if (body.Length < 2 || body[0] != (byte)'{' || body[^1] != (byte)'}')
        {
            throw new ArgumentException("The d JSON of a custom event must be an object.", nameof(dJson));
        }

        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        bool isEmpty = body.AsSpan(1, body.Length - 2).Trim(" \t\r\n"u8).IsEmpty;
        var prefix = Encoding.UTF8.GetBytes($"{{\"{SimEventUid.PropertyName}\":{uid}{(isEmpty ? string.Empty : ",")}");
        var data = new byte[prefix.Length + body.Length - 1];
        prefix.CopyTo(data, 0);
        body.AsSpan(1).CopyTo(data.AsSpan(prefix.Length));
        return new SimEvent(uid, type, guildId, data, null, now);
    }

    /// <summary>One event of a type drawn from <paramref name="mix"/>, for a random available guild (or a DM).</summary>
    public SimEvent Next(EventMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        var kind = mix.Pick(NextDouble());
        var guild = PickAvailableGuild();
        bool canBeDm = kind is EventMix.EventKind.MessageCreate or EventMix.EventKind.TypingStart or EventMix.EventKind.MessageReactionAdd;
        ulong? guildId = guild?.Id;
        if (canBeDm && (guild is null || (mix.DmFraction > 0 && NextDouble() < mix.DmFraction)))
        {
            guildId = null;
        }

        if (guild is null && !canBeDm)
        {
            return MessageCreate(null, mix.MessageBytes);
        }

        return kind switch
        {
            EventMix.EventKind.MessageCreate => MessageCreate(guildId, mix.MessageBytes),
            EventMix.EventKind.PresenceUpdate => PresenceUpdate(guild!.Id),
            EventMix.EventKind.TypingStart => TypingStart(guildId),
            EventMix.EventKind.MessageReactionAdd => MessageReactionAdd(guildId),
            EventMix.EventKind.MessageUpdate => MessageUpdate(guild!.Id),
            EventMix.EventKind.GuildMemberAdd => GuildMemberAdd(guild!.Id),
            EventMix.EventKind.GuildCreate => GuildCreate(guild!, IntentRules.AllDocumented, largeThreshold: 250),
            _ => throw new InvalidOperationException($"Unknown event kind {kind}."),
        };
    }

    private MessageTemplateSet MessageTemplates(int approxBytes, bool isDm, bool mentionsBot)
    {
        int bucket = (Math.Min(approxBytes, MaxMessageBytes) + SizeBucketBytes - 1) / SizeBucketBytes;
        int key = (bucket * 4) + (isDm ? 2 : 0) + (mentionsBot ? 1 : 0);
        return _messageTemplates.GetOrAdd(key, static (_, state) =>
            MessageTemplateSet.Create(state.Bytes, state.IsDm, state.MentionsBot), (Bytes: bucket * SizeBucketBytes, IsDm: isDm, MentionsBot: mentionsBot));
    }

    private TemplateValue Description(MessageTemplateSet templates, int index) =>
        index < templates.DescriptionLengths.Count
            ? TemplateValue.Utf8(TextSlice(templates.DescriptionLengths[index]))
            : TemplateValue.Empty;

    private SimGuild RequireGuild(ulong guildId) =>
        _world.TryGetGuild(guildId, out var guild)
            ? guild
            : throw new ArgumentException($"Guild {guildId} is not part of the world.", nameof(guildId));

    private SimGuild? PickAvailableGuild()
    {
        var guilds = _world.Guilds;
        if (guilds.Count == 0)
        {
            return null;
        }

        // A few tries keep this O(1) when most guilds are available.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            var guild = guilds[NextInt(guilds.Count)];
            if (!guild.Unavailable)
            {
                return guild;
            }
        }

        return guilds.FirstOrDefault(g => !g.Unavailable);
    }

    private MemberRef PickMember(SimGuild guild, bool onlineOnly)
    {
        int count = onlineOnly ? guild.OnlineMemberCount : guild.MemberCount;
        int index = count > 1 ? 1 + NextInt(count - 1) : 0;
        return Member(guild, index);
    }

    private MemberRef PickDmUser()
    {
        var guild = PickAvailableGuild();
        if (guild is { MemberCount: > 1 })
        {
            return Member(guild, 1 + NextInt(guild.MemberCount - 1));
        }

        // No guild with other members: a user who shares no guild with the bot.
        int index = 1 + NextInt(4095);
        ulong userId = SimIds.MemberUser(guildId: 1UL << 22, index, _world.BotUserSnowflake);
        return new MemberRef(userId, MemberNames.PrefixUtf8(index), TemplateValue.Number((ulong)index), _time.GetUtcNow());
    }

    private MemberRef Member(SimGuild guild, int index) =>
        index == 0
            ? new MemberRef(_world.BotUserSnowflake, _botNameJson, TemplateValue.Empty, guild.JoinedAt)
            : new MemberRef(
                _world.MemberUserId(guild.Id, index),
                MemberNames.PrefixUtf8(index),
                TemplateValue.Number((ulong)index),
                MemberJoinedAt(guild, index));

    private ulong PickTextChannel(SimGuild guild)
    {
        int index = NextInt(guild.ChannelCount);
        return SimWorld.ChannelId(guild.Id, IsVoiceChannel(index) ? index - 1 : index);
    }

    private static bool IsVoiceChannel(int channelIndex) => channelIndex % 5 == 4;

    private static DateTimeOffset MemberJoinedAt(SimGuild guild, int memberIndex) =>
        guild.CreatedAt.AddSeconds(37L * memberIndex);

    private static ulong GameApplicationId(int game) => SimIds.Channel(1UL << 40, game);

    private ReadOnlyMemory<byte> TextSlice(int length) => _corpus.Slice(NextInt(int.MaxValue), length);

    private int NextInt(int maxExclusive)
    {
        lock (_randomGate)
        {
            return _random.Next(maxExclusive);
        }
    }

    private double NextDouble()
    {
        lock (_randomGate)
        {
            return _random.NextDouble();
        }
    }

    private readonly record struct MemberRef(ulong UserId, ReadOnlyMemory<byte> NamePrefix, TemplateValue NameIndex, DateTimeOffset JoinedAt);
}
