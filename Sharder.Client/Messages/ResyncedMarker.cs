using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>
/// <c>{"shard":3,"marker":"resynced","session":"…","seq":120,"checkpoint_session":"…","checkpoint_seq":80}</c>:
/// the checkpoint in Redis did not describe the shard (Redis restarted empty or from an older snapshot, or
/// another writer changed it). The shard took it over and goes on from <see cref="Sequence"/>; events between
/// the checkpoint and <see cref="Sequence"/> went with Redis' lost data. Treat it as a gap, as after
/// <see cref="ReidentifiedMarker"/>.
/// </summary>
public sealed class ResyncedMarker : SharderMarker
{
    /// <summary>The shard's session.</summary>
    [JsonPropertyName("session")]
    public string Session { get; init; } = "";

    /// <summary>Where the shard was; null when unknown.</summary>
    [JsonPropertyName("seq")]
    public long? Sequence { get; init; }

    /// <summary>The session Redis held; null when nothing.</summary>
    [JsonPropertyName("checkpoint_session")]
    public string? CheckpointSession { get; init; }

    /// <summary>The sequence Redis held; null when nothing.</summary>
    [JsonPropertyName("checkpoint_seq")]
    public long? CheckpointSequence { get; init; }
}
