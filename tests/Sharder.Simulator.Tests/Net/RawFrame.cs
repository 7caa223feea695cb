namespace Sharder.Simulator.Tests.Net;

/// <summary>One WebSocket frame exactly as it crossed the wire.</summary>
internal sealed record RawFrame(bool IsFinal, byte Opcode, bool IsMasked, byte[] Payload)
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;
}
