namespace Sharder.Simulator.Gateway;

/// <summary>Per-connection protocol state .</summary>
public enum ConnectionState
{
    AwaitingAuth,
    Identified,
    Resumed,
    /// <summary>Op 9 was sent; the client may Identify or Resume on this socket .</summary>
    Invalidated,
    Closed,
}
