namespace Sharder.Grains.Sink;

/// <summary>How each event is written to its Redis list.</summary>
public enum RedisOutputFormat
{
    /// <summary>
    /// A JSON envelope <c>{"shard":3,"seq":42,"t":"MESSAGE_CREATE","session":"…","guild_id":"…","d":…}</c>
    /// with <c>d</c> copied byte for byte from the gateway frame, plus lifecycle markers.
    /// </summary>
    Envelope,

    /// <summary>
    /// serenity-rs/sharder-binary's format: the raw frame followed by the shard id as a little-endian u16,
    /// pushed to <c>{prefix}:from</c> (<c>sharder:from</c> with the default prefix). Unlike sharder-binary,
    /// only dispatches are pushed (no HELLO, READY, HEARTBEAT_ACK…) and no lifecycle markers.
    /// </summary>
    SharderBinary,
}
