using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sharder.Bench.Gateway.Generation;

/// <summary>
/// Writes a deterministic stream of MESSAGE_CREATE dispatch frames in Discord's wire shape: envelope
/// keys in Discord's order (<c>t, s, op, d</c>), snowflake ids as strings, <c>guild_id</c> as the last
/// member of <c>d</c>, and a realistic mix of plain chat, mentions, replies, attachments, link embeds
/// and bot messages with rich embeds and buttons (about 1 KB per frame on average).
/// </summary>
internal sealed class MessageCreateGenerator : IDisposable
{
    private const int GuildCount = 500;
    private const int UserCount = 4000;

    /// <summary>2026-08-01T00:00:00Z: a fixed start so every run generates the same bytes.</summary>
    private const long StartUnixMs = 1_785_542_400_000;

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Discord sends non-ASCII text as raw UTF-8, not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly Random _random;
    private readonly MessageText _text;
    private readonly SyntheticGuild[] _guilds;
    private readonly SyntheticUser[] _users;
    private readonly Utf8JsonWriter _writer = new(Stream.Null, s_writerOptions);
    private long _clockMs = StartUnixMs;
    private int _increment;
    private long _sequence;

    public MessageCreateGenerator(int seed)
    {
        _random = new Random(seed);
        _text = new MessageText(_random);
        _users = CreateUsers();
        _guilds = CreateGuilds();
    }

    /// <summary>The <c>s</c> of the last frame written (0 before the first).</summary>
    public long Sequence => _sequence;

    /// <summary>Appends the next frame (<c>s</c> one higher than the last) to <paramref name="output"/> and returns its guild id.</summary>
    public ulong WriteNext(IBufferWriter<byte> output)
    {
        _sequence++;
        _clockMs += _random.Next(0, 40);
        var guild = _guilds[SkewedIndex(_guilds.Length)];
        var channelId = guild.TextChannelIds[_random.Next(guild.TextChannelIds.Length)];
        var author = _users[SkewedIndex(_users.Length)];

        _writer.Reset(output);
        _writer.WriteStartObject();
        _writer.WriteString("t", "MESSAGE_CREATE");
        _writer.WriteNumber("s", _sequence);
        _writer.WriteNumber("op", 0);
        _writer.WriteStartObject("d");
        WriteMessageFields(guild, channelId, author, _clockMs, nested: false);
        DiscordJson.WriteSnowflake(_writer, "guild_id", guild.Id);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        return guild.Id;
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>The members of a message object; <paramref name="nested"/> is the shorter form inside <c>referenced_message</c>.</summary>
    private void WriteMessageFields(SyntheticGuild guild, ulong channelId, SyntheticUser author, long unixMs, bool nested)
    {
        var isReply = !nested && !author.Bot && _random.Next(100) < 10;
        var (content, link) = _text.Next(_users);
        var attachments = !author.Bot && (content.Length == 0 || _random.Next(100) < 4) ? _random.Next(1, 3) : 0;
        var richEmbed = author.Bot && _random.Next(100) < 60;
        var mentions = _random.Next(100) < 8 ? _random.Next(1, 3) : 0;

        _writer.WriteNumber("type", isReply ? 19 : 0);
        _writer.WriteBoolean("tts", false);
        DiscordJson.WriteTimestamp(_writer, "timestamp", unixMs);
        if (isReply)
        {
            _writer.WriteStartObject("referenced_message");
            var repliedTo = _users[SkewedIndex(_users.Length)];
            WriteMessageFields(guild, channelId, repliedTo, unixMs - _random.Next(1_000, 3_600_000), nested: true);
            _writer.WriteEndObject();
        }

        _writer.WriteBoolean("pinned", false);
        if (!nested && !author.Bot)
        {
            DiscordJson.WriteSnowflake(_writer, "nonce", NextId(unixMs - _random.Next(50, 400)));
        }

        _writer.WriteStartArray("mentions");
        for (var i = 0; i < mentions; i++)
        {
            var mentioned = _users[_random.Next(_users.Length)];
            _writer.WriteStartObject();
            DiscordJson.WriteUser(_writer, mentioned, w => WriteMember(w, guild, unixMs));
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.WriteStartArray("mention_roles");
        _writer.WriteEndArray();
        _writer.WriteBoolean("mention_everyone", false);
        if (!nested)
        {
            _writer.WriteStartObject("member");
            WriteMember(_writer, guild, unixMs);
            _writer.WriteEndObject();
        }

        var messageId = NextId(unixMs);
        DiscordJson.WriteSnowflake(_writer, "id", messageId);
        _writer.WriteNumber("flags", 0);
        _writer.WriteStartArray("embeds");
        if (link is not null)
        {
            DiscordJson.WriteLinkEmbed(_writer, _random, link);
        }

        if (richEmbed)
        {
            DiscordJson.WriteRichEmbed(_writer, _random, unixMs);
        }

        _writer.WriteEndArray();
        _writer.WriteNull("edited_timestamp");
        DiscordJson.WriteUnescapedString(_writer, "content", content);
        _writer.WriteStartArray("components");
        if (author.Bot && _random.Next(100) < 30)
        {
            DiscordJson.WriteButtonRow(_writer, _random);
        }

        _writer.WriteEndArray();
        if (!nested)
        {
            _writer.WriteNumber("channel_type", 0);
        }

        DiscordJson.WriteSnowflake(_writer, "channel_id", channelId);
        _writer.WriteStartObject("author");
        DiscordJson.WriteUser(_writer, author);
        _writer.WriteEndObject();
        _writer.WriteStartArray("attachments");
        for (var i = 0; i < attachments; i++)
        {
            DiscordJson.WriteImageAttachment(_writer, _random, channelId, NextId(unixMs));
        }

        _writer.WriteEndArray();
        if (isReply)
        {
            // A guild_id nested below d, which the peek must not take for the dispatch's own.
            _writer.WriteStartObject("message_reference");
            _writer.WriteNumber("type", 0);
            DiscordJson.WriteSnowflake(_writer, "message_id", NextId(unixMs - 60_000));
            DiscordJson.WriteSnowflake(_writer, "channel_id", channelId);
            DiscordJson.WriteSnowflake(_writer, "guild_id", guild.Id);
            _writer.WriteEndObject();
        }
    }

    private void WriteMember(Utf8JsonWriter writer, SyntheticGuild guild, long unixMs)
    {
        var roleCount = _random.Next(0, Math.Min(5, guild.RoleIds.Length) + 1);
        var start = _random.Next(guild.RoleIds.Length - roleCount + 1);
        var nick = _random.Next(100) < 20 ? "nick" + _random.Next(10_000) : null;
        var joinedAt = unixMs - (long)(_random.NextDouble() * 3 * 365 * 86_400_000L);
        DiscordJson.WriteMemberFields(writer, guild.RoleIds.AsSpan(start, roleCount), joinedAt, nick);
    }

    private ulong NextId(long unixMs) => Snowflake.Create(unixMs, 1, _random.Next(32), _increment++);

    /// <summary>Favors low indexes, so a few guilds and users produce most of the traffic, as on a real bot.</summary>
    private int SkewedIndex(int count) => (int)(count * Math.Pow(_random.NextDouble(), 3));

    private SyntheticUser[] CreateUsers()
    {
        var users = new SyntheticUser[UserCount];
        for (var i = 0; i < users.Length; i++)
        {
            var created = StartUnixMs - (long)(_random.NextDouble() * 8 * 365 * 86_400_000L);
            var bot = i % 50 == 7;
            var avatar = _random.Next(100) switch
            {
                < 10 => null,
                < 20 => "a_" + DiscordJson.HexString(_random, 32),
                _ => DiscordJson.HexString(_random, 32),
            };
            users[i] = new SyntheticUser(
                Snowflake.Create(created, 0, 1, i),
                (bot ? "helper_bot" : "user") + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                bot || _random.Next(100) < 30 ? null : "Player " + _random.Next(100_000),
                avatar,
                bot,
                bot ? 65536 : (_random.Next(100) < 15 ? 64 : 0));
        }

        return users;
    }

    private SyntheticGuild[] CreateGuilds()
    {
        var guilds = new SyntheticGuild[GuildCount];
        for (var i = 0; i < guilds.Length; i++)
        {
            var created = StartUnixMs - (long)(_random.NextDouble() * 6 * 365 * 86_400_000L);
            var channels = new ulong[_random.Next(2, 20)];
            for (var c = 0; c < channels.Length; c++)
            {
                channels[c] = Snowflake.Create(created + (c * 1000L), 0, 2, c);
            }

            var roles = new ulong[_random.Next(1, 30)];
            for (var r = 0; r < roles.Length; r++)
            {
                roles[r] = Snowflake.Create(created + 500 + (r * 1000L), 0, 3, r);
            }

            guilds[i] = new SyntheticGuild(Snowflake.Create(created, 0, 0, i), channels, roles);
        }

        return guilds;
    }
}
