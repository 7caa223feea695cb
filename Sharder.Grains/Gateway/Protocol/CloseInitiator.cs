namespace Sharder.Grains.Gateway.Protocol;

/// <summary>Which side ended a gateway connection.</summary>
internal enum CloseInitiator
{
    /// <summary>The gateway sent a close frame.</summary>
    Gateway,

    /// <summary>The shard sent a close frame itself (zombie connection, op 7, op 9, decode error...).</summary>
    Client,

    /// <summary>The connection broke without a close handshake (TCP reset, EOF, connect failure).</summary>
    Transport,
}
