using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// <c>{"marker":"trimmed","list":"sharder:events","trimmed":1234,"max_length":1000000}</c>: the list's bound
/// (<c>Redis:Output:MaxLength</c>) dropped its oldest entries; workers fell behind. <see cref="Trimmed"/> counts
/// the entries lost since the previous such marker (at most one per list every 10 s). A gap of unknown shards.
/// </summary>
public sealed class TrimmedMarker : SharderMarker
{
    /// <summary>The full key of the list that was trimmed.</summary>
    [JsonPropertyName("list")]
    public string List { get; init; } = "";

    /// <summary>How many entries were dropped since the previous trimmed marker of the list.</summary>
    [JsonPropertyName("trimmed")]
    public long Trimmed { get; init; }

    /// <summary>The list's bound.</summary>
    [JsonPropertyName("max_length")]
    public long MaxLength { get; init; }
}
