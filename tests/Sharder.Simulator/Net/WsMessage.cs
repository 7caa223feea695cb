namespace Sharder.Simulator.Net;

/// <summary>One whole inbound WebSocket message, or the end of the connection.</summary>
/// <param name="Kind">What was received.</param>
/// <param name="Data">The payload (Text/Binary only); a fresh array the caller may keep.</param>
/// <param name="Size">Payload bytes; for <see cref="WsMessageKind.Oversize"/> the full size of the dropped message.</param>
/// <param name="CloseCode">The client's close code (<see cref="WsMessageKind.Close"/> only; null for an empty close frame).</param>
/// <param name="CloseReason">The client's close reason (<see cref="WsMessageKind.Close"/> only).</param>
public readonly record struct WsMessage(
    WsMessageKind Kind, ReadOnlyMemory<byte> Data, int Size, int? CloseCode, string? CloseReason);
