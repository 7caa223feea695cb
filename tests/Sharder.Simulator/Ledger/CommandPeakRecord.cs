namespace Sharder.Simulator.Ledger;

/// <summary>The highest number of client payloads a connection sent within any 60 s window .</summary>
public sealed record CommandPeakRecord(
    long Order,
    DateTimeOffset At,
    long ConnectionId,
    int PeakIn60s);
