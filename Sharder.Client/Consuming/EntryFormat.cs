namespace Sharder.Client.Consuming;

/// <summary>What the entries of the consumed list are (the silo's <c>Redis:Output:Format</c>).</summary>
public enum EntryFormat
{
    /// <summary>JSON envelopes and markers (envelope v1, the default): read into <see cref="Delivery.Message"/>, deduplicated.</summary>
    Envelope,

    /// <summary>sharder-binary frames (<c>{prefix}:from</c>): read into <see cref="Delivery.Frame"/>; no session, so no dedupe.</summary>
    SharderBinary,

    /// <summary>Not read: <see cref="Delivery.Entry"/> only, no dedupe.</summary>
    Raw,
}
