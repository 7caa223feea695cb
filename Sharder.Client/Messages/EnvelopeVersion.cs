namespace Sharder.Client.Messages;

/// <summary>
/// The version of the envelope and marker contract this library reads (docs/workers.md, "Envelope v1").
/// Within a version, fields are only ever added: readers ignore fields they do not know, and a marker kind
/// they do not know is an <see cref="UnknownMarker"/>, not an error.
/// </summary>
public static class EnvelopeVersion
{
    /// <summary>The contract version: 1.</summary>
    public const int Current = 1;
}
