namespace Sharder.Simulator.Ledger;

/// <summary>An Identify that came sooner than the identify window allows for its rate-limit key .</summary>
public sealed record IdentifyViolationRecord(
    long Order,
    DateTimeOffset At,
    long AppId,
    int ShardId,
    int RateLimitKey,
    TimeSpan GapSinceLast);
