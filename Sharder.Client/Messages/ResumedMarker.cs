using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// <c>{"shard":3,"marker":"resumed","session":"…","seq":120}</c>: the shard resumed its session after
/// <c>seq</c>; no event was missed. Nothing to do but note it.
/// </summary>
public sealed class ResumedMarker : SharderMarker
{
    /// <summary>The session that continued.</summary>
    [JsonPropertyName("session")]
    public string Session { get; init; } = "";

    /// <summary>The last sequence delivered before the resume; null when the session had none yet.</summary>
    [JsonPropertyName("seq")]
    public long? Sequence { get; init; }
}
