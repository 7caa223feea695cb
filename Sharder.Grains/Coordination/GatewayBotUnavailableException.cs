using System.Net;

namespace Sharder.Grains.Coordination;

/// <summary>
/// <c>GET /gateway/bot</c> failed for a reason that may pass: a server error, a rate limit that outlasted
/// one retry, a network failure or an unreadable answer. The caller keeps its last known figures and
/// tries again later.
/// </summary>
public sealed class GatewayBotUnavailableException : Exception
{
    public GatewayBotUnavailableException()
        : this("GET /gateway/bot failed.")
    {
    }

    public GatewayBotUnavailableException(string message)
        : base(message)
    {
    }

    public GatewayBotUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GatewayBotUnavailableException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status Discord answered with, when there was an answer.</summary>
    public HttpStatusCode? StatusCode { get; }
}
