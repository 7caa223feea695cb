namespace Sharder.Simulator.Gateway;

/// <summary>
/// An Identify the simulator received with a valid token: its <c>shard</c>, <c>intents</c> and <c>presence</c>
/// fields as raw JSON (null when absent). The token is not kept.
/// </summary>
public sealed record ReceivedIdentify(long ConnectionId, string? Shard, string? Intents, string? Presence, DateTimeOffset At);
