namespace Sharder.Simulator.Net;

/// <summary>How the server misbehaves while answering one WebSocket upgrade request (F25).</summary>
public enum HandshakeFault
{
    /// <summary>Complete the upgrade normally.</summary>
    None,

    /// <summary>Reset the TCP connection (RST) right after reading the request.</summary>
    RefuseTcp,

    /// <summary>Answer the upgrade with HTTP 503.</summary>
    ServiceUnavailable,

    /// <summary>Read the request and never answer.</summary>
    HangBeforeUpgrade,

    /// <summary>Send 101 and then nothing: the WebSocket handler is never called.</summary>
    HangAfterUpgrade,
}
