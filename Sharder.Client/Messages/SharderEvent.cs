using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sharder.Client.Messages;

/// <summary>
/// A gateway dispatch as the silo wrote it:
/// <c>{"shard":3,"seq":42,"t":"MESSAGE_CREATE","session":"…","guild_id":"…","d":{…}}</c>.
/// <see cref="Data"/> is the raw <c>d</c>, byte for byte as Discord sent it: deserialize only what you need,
/// e.g. <c>evt.DataAs(MyJsonContext.Default.MessageCreate)</c>.
/// </summary>
public sealed class SharderEvent : SharderMessage
{
    /// <summary>Builds an event; <see cref="SharderMessageReader"/> is the usual way to get one.</summary>
    public SharderEvent(int shard, long sequence, string type, string session, ulong? guildId, ReadOnlyMemory<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(session);
        Shard = shard;
        Sequence = sequence;
        Type = type;
        Session = session;
        GuildId = guildId;
        Data = data;
    }

    /// <summary>The shard that received the dispatch (<c>shard</c>).</summary>
    public int Shard { get; }

    /// <summary>The dispatch's sequence in its session (<c>seq</c>, the frame's <c>s</c>).</summary>
    public long Sequence { get; }

    /// <summary>The event name (<c>t</c>), e.g. <c>MESSAGE_CREATE</c>.</summary>
    public string Type { get; }

    /// <summary>The gateway session the dispatch belongs to (<c>session</c>).</summary>
    public string Session { get; }

    /// <summary><c>guild_id</c> when the event has one (Discord's <c>d.guild_id</c>); null for DMs and guild-less events.</summary>
    public ulong? GuildId { get; }

    /// <summary>
    /// True when the entry says <c>"overlap":true</c>: published during a resharding switch inside the overlap window,
    /// so the other shard generation may publish the same event too (docs/resharding.md). Handle it idempotently.
    /// </summary>
    public bool IsOverlap { get; init; }

    /// <summary>The raw <c>d</c> value (UTF-8 JSON), a slice of the list entry: no copy was made.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Deserializes <see cref="Data"/> with a (source-generated) type's metadata.</summary>
    public T? DataAs<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Data.Span, typeInfo);

    /// <summary>Parses <see cref="Data"/> into a <see cref="JsonElement"/> (a copy that outlives the entry).</summary>
    public JsonElement DataElement()
    {
        var reader = new Utf8JsonReader(Data.Span, SharderMessageReader.ReaderOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>A string property of <c>d</c> (e.g. <c>content</c> of a MESSAGE_CREATE) without deserializing the rest; null when absent or not a string.</summary>
    public string? DataString(string property)
    {
        ArgumentException.ThrowIfNullOrEmpty(property);
        var reader = new Utf8JsonReader(Data.Span, SharderMessageReader.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(property);
            reader.Read();
            if (match)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>The raw <c>d</c> bytes as a span, for callers that read it with their own <see cref="Utf8JsonReader"/>.</summary>
    public ReadOnlySpan<byte> DataSpan => Data.Span;

    /// <inheritdoc/>
    public override string ToString() => $"shard={Shard} seq={Sequence} {Type}" + (GuildId is { } guild ? $" guild={guild}" : "");
}
