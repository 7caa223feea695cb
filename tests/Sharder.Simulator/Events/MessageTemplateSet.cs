using System.Text;

namespace Sharder.Simulator.Events;

/// <summary>
/// MESSAGE_CREATE templates for one size bucket and shape (guild or DM, mentioning the bot or not): the full
/// variant and the content-blanked variant. Content fills the size up to 2000 characters, then embeds do.
/// </summary>
internal sealed class MessageTemplateSet
{
    public const int MaxContentLength = 2000;
    public const int MaxEmbeds = 10;
    public const int MaxEmbedDescriptionLength = 4096;
    public const int FirstDescriptionSlot = 10;
    public const int ContentSlot = 9;

    public static readonly string[] SlotNames =
    [
        "uid", "timestamp", "guild", "channel", "author", "author_prefix", "author_index", "joined_at", "bot",
        "content", "desc0", "desc1", "desc2", "desc3", "desc4", "desc5", "desc6", "desc7", "desc8", "desc9",
        "bot_name",
    ];

    private MessageTemplateSet(JsonTemplate full, JsonTemplate blank, int contentLength, int[] descriptionLengths)
    {
        Full = full;
        Blank = blank;
        ContentLength = contentLength;
        DescriptionLengths = descriptionLengths;
    }

    public JsonTemplate Full { get; }

    public JsonTemplate Blank { get; }

    public int ContentLength { get; }

    public IReadOnlyList<int> DescriptionLengths { get; }

    public static MessageTemplateSet Create(int approxBytes, bool isDm, bool mentionsBot)
    {
        int baseLength = Parse(isDm, mentionsBot, blank: false, embeds: 0).MeasureLength(SampleValues());
        int embedOverhead = Parse(isDm, mentionsBot, blank: false, embeds: 1).MeasureLength(SampleValues()) - baseLength;
        int room = approxBytes - baseLength;
        int contentLength = Math.Clamp(room, 1, MaxContentLength);
        int rest = room - contentLength;
        int[] descriptions = [];
        if (rest > embedOverhead)
        {
            int embeds = Math.Min(MaxEmbeds, (rest + MaxEmbedDescriptionLength + embedOverhead - 1) / (MaxEmbedDescriptionLength + embedOverhead));
            int each = Math.Clamp((rest - (embeds * embedOverhead)) / embeds, 1, MaxEmbedDescriptionLength);
            descriptions = [.. Enumerable.Repeat(each, embeds)];
        }

        return new MessageTemplateSet(
            Parse(isDm, mentionsBot, blank: false, descriptions.Length),
            Parse(isDm, mentionsBot, blank: true, descriptions.Length),
            contentLength,
            descriptions);
    }

    private static JsonTemplate Parse(bool isDm, bool mentionsBot, bool blank, int embeds) =>
        JsonTemplate.Parse(Compose(isDm, mentionsBot, blank, embeds), SlotNames);

    private static string Compose(bool isDm, bool mentionsBot, bool blank, int embeds)
    {
        const string botMention =
            "{\"username\":\"{{bot_name}}\",\"public_flags\":0,\"id\":\"{{bot}}\",\"global_name\":null,\"discriminator\":\"0\",\"bot\":true,\"avatar\":null}";
        const string member =
            "\"member\":{\"roles\":[],\"premium_since\":null,\"pending\":false,\"nick\":null,\"mute\":false,\"joined_at\":\"{{joined_at}}\",\"flags\":0,\"deaf\":false,\"communication_disabled_until\":null,\"banner\":null,\"avatar\":null},";
        const string author =
            "\"author\":{\"username\":\"{{author_prefix}}{{author_index}}\",\"public_flags\":0,\"id\":\"{{author}}\",\"global_name\":null,\"discriminator\":\"0\",\"clan\":null,\"avatar_decoration_data\":null,\"avatar\":null}";

        var json = new StringBuilder(1024);
        json.Append("{\"x_sim_uid\":{{uid}},\"type\":0,\"tts\":false,\"timestamp\":\"{{timestamp}}\",\"pinned\":false,\"nonce\":\"{{uid}}\",");
        json.Append("\"mentions\":[").Append(mentionsBot ? botMention : string.Empty).Append("],");
        json.Append("\"mention_roles\":[],\"mention_everyone\":false,");
        json.Append(isDm ? string.Empty : member);
        json.Append("\"id\":\"{{uid}}\",\"flags\":0,\"embeds\":[");
        for (int i = 0; !blank && i < embeds; i++)
        {
            json.Append(i > 0 ? "," : string.Empty);
            json.Append("{\"type\":\"rich\",\"description\":\"{{desc").Append(i).Append("}}\",\"color\":5793266,\"content_scan_version\":0}");
        }

        json.Append("],\"edited_timestamp\":null,\"content\":\"");
        if (!blank)
        {
            json.Append(mentionsBot ? "<@{{bot}}> {{content}}" : "{{content}}");
        }

        json.Append("\",\"components\":[],\"channel_type\":").Append(isDm ? 1 : 0);
        json.Append(",\"channel_id\":\"{{channel}}\",").Append(author).Append(",\"attachments\":[]");
        json.Append(isDm ? string.Empty : ",\"guild_id\":\"{{guild}}\"");
        json.Append('}');
        return json.ToString();
    }

    // Typical value sizes (19-digit snowflakes, a short username) used to size the content.
    private static TemplateValue[] SampleValues()
    {
        const ulong sampleId = 1_300_000_000_000_000_000;
        var values = new TemplateValue[SlotNames.Length];
        values[0] = TemplateValue.Number(sampleId);
        values[1] = TemplateValue.Time(DateTimeOffset.UnixEpoch);
        values[2] = TemplateValue.Number(sampleId);
        values[3] = TemplateValue.Number(sampleId);
        values[4] = TemplateValue.Number(sampleId);
        values[5] = TemplateValue.Utf8("maple"u8.ToArray());
        values[6] = TemplateValue.Number(12345UL);
        values[7] = TemplateValue.Time(DateTimeOffset.UnixEpoch);
        values[8] = TemplateValue.Number(sampleId);
        values[^1] = TemplateValue.Utf8("sharder-sim"u8.ToArray());
        return values;
    }
}
