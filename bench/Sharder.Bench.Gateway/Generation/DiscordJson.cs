using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sharder.Bench.Gateway.Generation;

/// <summary>Writes the nested objects of a Discord message (user, member, attachment, embeds, components) in Discord's shapes.</summary>
internal static class DiscordJson
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'";

    public static void WriteSnowflake(Utf8JsonWriter writer, string name, ulong id)
    {
        Span<char> digits = stackalloc char[20];
        id.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        writer.WriteString(name, digits[..length]);
    }

    /// <summary>
    /// Writes a string with only what JSON requires escaped. Utf8JsonWriter's encoders escape emoji as
    /// surrogate pairs; Discord sends them as raw UTF-8, which is what the peek must skip over.
    /// </summary>
    public static void WriteUnescapedString(Utf8JsonWriter writer, string name, string value)
    {
        var literal = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => literal.Append("\\\""),
                '\\' => literal.Append("\\\\"),
                '\n' => literal.Append("\\n"),
                < ' ' => literal.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => literal.Append(c),
            };
        }

        writer.WritePropertyName(name);
        writer.WriteRawValue(Encoding.UTF8.GetBytes(literal.Append('"').ToString()));
    }

    public static void WriteTimestamp(Utf8JsonWriter writer, string name, long unixMs) =>
        writer.WriteString(name, DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString(TimestampFormat, CultureInfo.InvariantCulture));

    /// <summary>A user object; <paramref name="writeMember"/> adds the partial member that mentions carry.</summary>
    public static void WriteUser(Utf8JsonWriter writer, SyntheticUser user, Action<Utf8JsonWriter>? writeMember = null)
    {
        writer.WriteString("username", user.Username);
        writer.WriteNumber("public_flags", user.PublicFlags);
        writer.WriteNull("primary_guild");
        if (writeMember is not null)
        {
            writer.WriteStartObject("member");
            writeMember(writer);
            writer.WriteEndObject();
        }

        WriteSnowflake(writer, "id", user.Id);
        if (user.GlobalName is null)
        {
            writer.WriteNull("global_name");
        }
        else
        {
            writer.WriteString("global_name", user.GlobalName);
        }

        writer.WriteString("discriminator", user.Bot ? "8842" : "0");
        writer.WriteNull("collectibles");
        writer.WriteNull("clan");
        if (user.Bot)
        {
            writer.WriteBoolean("bot", true);
        }

        writer.WriteNull("avatar_decoration_data");
        if (user.AvatarHash is null)
        {
            writer.WriteNull("avatar");
        }
        else
        {
            writer.WriteString("avatar", user.AvatarHash);
        }
    }

    /// <summary>The members of a guild member object, without <c>user</c> (as in MESSAGE_CREATE).</summary>
    public static void WriteMemberFields(Utf8JsonWriter writer, ReadOnlySpan<ulong> roleIds, long joinedAtUnixMs, string? nick)
    {
        writer.WriteStartArray("roles");
        Span<char> digits = stackalloc char[20];
        foreach (var role in roleIds)
        {
            role.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
            writer.WriteStringValue(digits[..length]);
        }

        writer.WriteEndArray();
        writer.WriteNull("premium_since");
        writer.WriteBoolean("pending", false);
        if (nick is null)
        {
            writer.WriteNull("nick");
        }
        else
        {
            writer.WriteString("nick", nick);
        }

        writer.WriteBoolean("mute", false);
        WriteTimestamp(writer, "joined_at", joinedAtUnixMs);
        writer.WriteNumber("flags", 0);
        writer.WriteBoolean("deaf", false);
        writer.WriteNull("communication_disabled_until");
        writer.WriteNull("banner");
        writer.WriteNull("avatar");
    }

    public static void WriteImageAttachment(Utf8JsonWriter writer, Random random, ulong channelId, ulong attachmentId)
    {
        var name = $"IMG_{random.Next(1000, 9999)}.png";
        var path = $"attachments/{channelId}/{attachmentId}/{name}";
        var signature = $"?ex={random.Next():x8}&is={random.Next():x8}&hm={HexString(random, 64)}&";
        var width = random.Next(400, 2560);
        var height = random.Next(300, 1440);
        writer.WriteStartObject();
        writer.WriteNumber("width", width);
        writer.WriteString("url", "https://cdn.discordapp.com/" + path + signature);
        writer.WriteNumber("size", random.Next(20_000, 8_000_000));
        writer.WriteString("proxy_url", "https://media.discordapp.net/" + path + signature);
        writer.WriteNumber("placeholder_version", 1);
        writer.WriteString("placeholder", Base64ish(random, 24));
        WriteSnowflake(writer, "id", attachmentId);
        writer.WriteNumber("height", height);
        writer.WriteString("filename", name);
        writer.WriteString("content_type", "image/png");
        writer.WriteNumber("content_scan_version", 2);
        writer.WriteEndObject();
    }

    /// <summary>The embed Discord unfurls from a link in the content.</summary>
    public static void WriteLinkEmbed(Utf8JsonWriter writer, Random random, string link)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "article");
        writer.WriteString("url", link);
        writer.WriteString("title", "Page title " + HexString(random, 6));
        writer.WriteString("description", "A description of the linked page that the unfurler read from its meta tags, cut at about a hundred characters…");
        writer.WriteStartObject("provider");
        writer.WriteString("name", new Uri(link).Host);
        writer.WriteEndObject();
        writer.WriteStartObject("thumbnail");
        writer.WriteNumber("width", 1280);
        writer.WriteString("url", link + "/thumb.jpg");
        writer.WriteString("proxy_url", "https://images-ext-1.discordapp.net/external/" + Base64ish(random, 43) + "/thumb.jpg");
        writer.WriteNumber("placeholder_version", 1);
        writer.WriteString("placeholder", Base64ish(random, 24));
        writer.WriteNumber("height", 720);
        writer.WriteNumber("flags", 0);
        writer.WriteEndObject();
        writer.WriteNumber("content_scan_version", 2);
        writer.WriteEndObject();
    }

    /// <summary>A bot's rich embed with fields and a footer.</summary>
    public static void WriteRichEmbed(Utf8JsonWriter writer, Random random, long unixMs)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "rich");
        writer.WriteString("title", "Match summary #" + random.Next(100_000));
        writer.WriteString("description", "Results are in. Scores below are final; disputes go to the mods within 24 hours.");
        writer.WriteNumber("color", random.Next(0x1000000));
        writer.WriteStartArray("fields");
        var fields = random.Next(2, 6);
        for (var i = 0; i < fields; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("name", "Player " + (i + 1));
            writer.WriteString("value", $"{random.Next(50)} kills / {random.Next(50)} deaths");
            writer.WriteBoolean("inline", true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("footer");
        writer.WriteString("text", "Powered by a bot");
        writer.WriteEndObject();
        WriteTimestamp(writer, "timestamp", unixMs);
        writer.WriteNumber("content_scan_version", 0);
        writer.WriteEndObject();
    }

    /// <summary>One action row of buttons, as bots attach to their messages.</summary>
    public static void WriteButtonRow(Utf8JsonWriter writer, Random random)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", 1);
        writer.WriteNumber("id", 1);
        writer.WriteStartArray("components");
        var buttons = random.Next(1, 4);
        for (var i = 0; i < buttons; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", 2);
            writer.WriteNumber("style", 1 + (i % 4));
            writer.WriteString("label", "Option " + (i + 1));
            writer.WriteNumber("id", i + 2);
            writer.WriteString("custom_id", "vote:" + HexString(random, 16));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static string HexString(Random random, int length)
    {
        return string.Create(length, random, static (chars, rng) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = "0123456789abcdef"[rng.Next(16)];
            }
        });
    }

    private static string Base64ish(Random random, int length)
    {
        return string.Create(length, random, static (chars, rng) =>
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[rng.Next(alphabet.Length)];
            }
        });
    }
}
