using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// <c>{"shard":3,"marker":"reidentified","session":"new","previous_session":"old","previous_seq":120}</c>:
/// the shard identified again. Events of the previous session after <see cref="PreviousSequence"/> were never
/// delivered (a gap): caches built from the shard's events are stale; the new session begins with READY and
/// GUILD_CREATEs, from which they can be rebuilt.
/// </summary>
public sealed class ReidentifiedMarker : SharderMarker
{
    /// <summary>The new session.</summary>
    [JsonPropertyName("session")]
    public string Session { get; init; } = "";

    /// <summary>The session it replaced.</summary>
    [JsonPropertyName("previous_session")]
    public string? PreviousSession { get; init; }

    /// <summary>The last sequence of the previous session that was delivered; null when none was.</summary>
    [JsonPropertyName("previous_seq")]
    public long? PreviousSequence { get; init; }
}
