namespace Sharder.Simulator.Sessions;

/// <summary>One dispatch as the session numbered it. <see cref="Data"/> is the shared <c>d</c> JSON;
/// the frame around it is rebuilt identically on every send, so replays are byte-identical.</summary>
internal readonly record struct BufferedDispatch(long Seq, string Type, long EventUid, ReadOnlyMemory<byte> Data);
