using Sharder.Grains.Gateway.Protocol;

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
}
