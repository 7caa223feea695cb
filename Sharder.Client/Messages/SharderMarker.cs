using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// A lifecycle entry the silo pushes beside the events, told apart by its <c>marker</c> field:
/// <see cref="ResumedMarker"/>, <see cref="ReidentifiedMarker"/>, <see cref="ResyncedMarker"/>,
/// <see cref="TrimmedMarker"/>, or <see cref="UnknownMarker"/> for a kind added after envelope v1.
/// </summary>
public abstract class SharderMarker : SharderMessage
{
    /// <summary>The <c>marker</c> field: <c>resumed</c>, <c>reidentified</c>, <c>resynced</c>, <c>trimmed</c>, …</summary>
    [JsonPropertyName("marker")]
    public string Kind { get; init; } = "";

    /// <summary>The shard it is about; null for list-wide markers (<c>trimmed</c>).</summary>
    [JsonPropertyName("shard")]
    public int? Shard { get; init; }
}
