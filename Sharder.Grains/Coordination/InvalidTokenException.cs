namespace Sharder.Grains.Coordination;

/// <summary>
/// Discord rejected the bot token (HTTP 401). Retrying cannot help: the token must be replaced. The
/// message never contains the token.
/// </summary>
public sealed class InvalidTokenException : Exception
{
    public InvalidTokenException()
        : this("Discord rejected the bot token.")
    {
    }

    public InvalidTokenException(string message)
        : base(message)
    {
    }

    public InvalidTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
