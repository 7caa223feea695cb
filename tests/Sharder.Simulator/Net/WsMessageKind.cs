namespace Sharder.Simulator.Net;

/// <summary>What <see cref="WsConnection.ReceiveAsync"/> produced.</summary>
public enum WsMessageKind
{
    /// <summary>A complete text message.</summary>
    Text,

    /// <summary>A complete binary message.</summary>
    Binary,

    /// <summary>The client sent a close frame (initiating, or answering ours); the connection has ended.</summary>
    Close,

    /// <summary>The message exceeded the size limit; it was drained and dropped.</summary>
    Oversize,

    /// <summary>The transport died (FIN, RST, error, abort) without a close frame from the client.</summary>
    Aborted,
}
