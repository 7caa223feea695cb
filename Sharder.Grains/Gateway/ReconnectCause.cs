namespace Sharder.Grains.Gateway;

/// <summary>Why a shard's connection ended and it connected again.</summary>
internal enum ReconnectCause
{
    /// <summary>The WebSocket could not be opened (refused, handshake failed or timed out).</summary>
    ConnectFailed,

    /// <summary>No Hello arrived within <see cref="GatewayOptions.HelloTimeout"/>.</summary>
    HelloTimeout,

    /// <summary>The gateway sent a close frame.</summary>
    GatewayClosed,

    /// <summary>The connection broke without a close handshake.</summary>
    TransportError,

    /// <summary>A heartbeat was not acknowledged before the next one was due.</summary>
    ZombieConnection,

    /// <summary>The gateway asked for a reconnect (op 7).</summary>
    ReconnectRequested,

    /// <summary>The gateway invalidated the session (op 9).</summary>
    InvalidSession,

    /// <summary>Compressed data was corrupt.</summary>
    DecompressionFailed,

    /// <summary>A message was not valid gateway JSON, or was larger than allowed.</summary>
    MalformedPayload,

    /// <summary>The sink did not accept events for longer than <see cref="GatewayOptions.SinkStallTimeout"/>.</summary>
    SinkStalled,
}
