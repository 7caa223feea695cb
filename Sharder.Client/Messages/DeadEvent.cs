using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// An entry of <c>{prefix}:events:dead</c>: an event the silo could not write because its list holds another
/// type than a list. It was not retried; the shard moved on.
/// <c>{"shard":3,"session":"…","seq":42,"type":"MESSAGE_CREATE","list":"sharder:events","reason":"WRONGTYPE: …","time":"…Z","payload":"…"}</c>.
/// Read one with <see cref="SharderMessageReader.ReadDeadEvent"/>.
/// </summary>
public sealed class DeadEvent
{
    /// <summary>The shard that received the event.</summary>
    [JsonPropertyName("shard")]
    public int Shard { get; init; }

    /// <summary>The event's session.</summary>
    [JsonPropertyName("session")]
    public string Session { get; init; } = "";

    /// <summary>The event's sequence.</summary>
    [JsonPropertyName("seq")]
    public long Sequence { get; init; }

    /// <summary>The event's <c>t</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>The list the event was meant for (full key).</summary>
    [JsonPropertyName("list")]
    public string List { get; init; } = "";

    /// <summary>Why it could not be written, e.g. <c>WRONGTYPE: sharder:events holds a string, not a list</c>.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; init; } = "";

    /// <summary>When (UTC).</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }

    /// <summary>The gateway frame as received, cut to 4 KiB (not the envelope).</summary>
    [JsonPropertyName("payload")]
    public string Payload { get; init; } = "";
}
