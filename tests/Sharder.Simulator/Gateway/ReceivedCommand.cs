namespace Sharder.Simulator.Gateway;

/// <summary>A client command (ops 3, 4, 8, 31, 43) the simulator accepted .</summary>
public sealed record ReceivedCommand(long ConnectionId, int ShardId, string? SessionId, int Op, string Json, DateTimeOffset At);
