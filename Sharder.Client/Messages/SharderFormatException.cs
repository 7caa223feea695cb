namespace Sharder.Client.Messages;

/// <summary>A list entry is not an envelope v1 event, marker or dead entry (or not a sharder-binary frame).</summary>
public sealed class SharderFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SharderFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SharderFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SharderFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
