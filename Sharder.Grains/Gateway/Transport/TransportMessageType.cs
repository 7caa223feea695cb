namespace Sharder.Grains.Gateway.Transport;

/// <summary>What kind of WebSocket message a receive returned.</summary>
internal enum TransportMessageType
{
    /// <summary>A text message: uncompressed JSON.</summary>
    Text,

    /// <summary>A binary message: transport-compressed data.</summary>
    Binary,

    /// <summary>The peer closed the connection.</summary>
    Close,
}
