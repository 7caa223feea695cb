namespace Sharder.Simulator.Compression;

/// <summary>Maps the <c>compress</c> query value to <see cref="TransportCompression"/> and back.</summary>
public static class TransportCompressionNames
{
    public const string ZlibStream = "zlib-stream";
    public const string ZstdStream = "zstd-stream";

    /// <summary>
    /// Parses the raw <c>compress</c> query value (case-sensitive, as Discord's values are).
    /// Absent (null) gives <see cref="TransportCompression.None"/>; any other unknown value,
    /// including an empty one, returns false so the caller can apply its "unknown value" knob.
    /// </summary>
    public static bool TryParse(string? queryValue, out TransportCompression compression)
    {
        switch (queryValue)
        {
            case null:
                compression = TransportCompression.None;
                return true;
            case ZlibStream:
                compression = TransportCompression.ZlibStream;
                return true;
            case ZstdStream:
                compression = TransportCompression.ZstdStream;
                return true;
            default:
                compression = TransportCompression.None;
                return false;
        }
    }

    /// <summary>The query value for a mode, or null for <see cref="TransportCompression.None"/>.</summary>
    public static string? ToQueryValue(TransportCompression compression) => compression switch
    {
        TransportCompression.None => null,
        TransportCompression.ZlibStream => ZlibStream,
        TransportCompression.ZstdStream => ZstdStream,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown transport compression."),
    };
}
