using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Gateway;

/// <summary>How and why one connection ended: the input of <see cref="CloseCodePolicy.Decide"/>.</summary>
/// <param name="Initiator">Which side ended it.</param>
/// <param name="Code">The close code sent or received; null when there was none.</param>
/// <param name="Cause">What led to it, for logs and the reconnect counters; null for a requested stop.</param>
/// <param name="Detail">A short human-readable explanation (never a payload).</param>
/// <param name="PeerReason">The reason text of the gateway's close frame, if it sent one.</param>
internal sealed record DisconnectReason(CloseInitiator Initiator, int? Code, ReconnectCause? Cause, string Detail, string? PeerReason = null)
{
    /// <summary>True when <see cref="ShardConnection.StopAsync"/> ended it: a stop is not a close to recover from.</summary>
    public bool IsStop => Cause is null;

    /// <summary>The gateway closed the connection with <paramref name="code"/> (null: a close frame without a code).</summary>
    public static DisconnectReason GatewayClosed(int? code, string? peerReason)
    {
        var reason = string.IsNullOrEmpty(peerReason) ? null : peerReason;
        var detail = reason is null ? "closed by the gateway" : $"closed by the gateway: {reason}";
        return new DisconnectReason(CloseInitiator.Gateway, code, ReconnectCause.GatewayClosed, detail, reason);
    }

    /// <summary>
    /// A send, receive or close failed. When the gateway's close frame had already arrived (a heartbeat racing
    /// the gateway's 4009, say), the gateway's close is the reason: its code decides whether to resume.
    /// </summary>
    public static DisconnectReason TransportFailed(GatewayTransportException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.PeerClosed
            ? GatewayClosed(failure.PeerCloseCode, null)
            : new DisconnectReason(CloseInitiator.Transport, null, ReconnectCause.TransportError, failure.Message);
    }
}
