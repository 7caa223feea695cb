namespace Sharder.Simulator.Gateway;

/// <summary>One frame in a connection transcript. <see cref="WsMessages"/> &gt; 1 when a
/// gateway message was split across WebSocket messages.</summary>
public sealed record TranscriptEntry(DateTimeOffset At, bool Inbound, int? Op, string? Type, long? Seq,
    int JsonBytes, int WireBytes, int WsMessages, string? Note = null);
