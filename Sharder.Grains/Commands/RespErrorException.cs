namespace Sharder.Grains.Commands;

/// <summary>Redis answered a command with an error reply (<c>-ERR …</c>, <c>-WRONGPASS …</c>, <c>-NOPERM …</c>).</summary>
public sealed class RespErrorException : Exception
{
    public RespErrorException()
    {
    }

    public RespErrorException(string message)
        : base(message)
    {
    }

    public RespErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
