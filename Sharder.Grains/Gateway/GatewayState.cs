namespace Sharder.Grains.Gateway;

/// <summary>The lifecycle state of one shard's gateway connection.</summary>
internal enum GatewayState
{
    /// <summary>No connection; waiting to reconnect (or not started).</summary>
    Disconnected,

    /// <summary>Opening the WebSocket and waiting for Hello.</summary>
    Connecting,

    /// <summary>Identify sent (or waiting for an identify permit); waiting for READY.</summary>
    Identifying,

    /// <summary>Resume sent; waiting for RESUMED.</summary>
    Resuming,

    /// <summary>READY or RESUMED received; dispatches are flowing.</summary>
    Active,

    /// <summary>Closed with a code that reconnecting cannot fix (e.g. 4004 bad token, 4014 disallowed intents).</summary>
    FatallyClosed,

    /// <summary>Stopped on request; the session may have been kept for a hand-off.</summary>
    Stopped,
}
