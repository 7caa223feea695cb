using Sharder.Simulator.Ledger;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// When one shard's session moved to a new connection, from the simulator's ledger (one clock, the system's):
/// the last event sent on an earlier connection and the first one (replayed or live) sent on the new one.
/// Send times stand in for publish times; the sharder pushes each event to Redis within milliseconds.
/// </summary>
internal sealed record ShardHandoffTiming(int ShardId, DateTimeOffset ResumedAt, DateTimeOffset? LastEventBefore, DateTimeOffset? FirstEventAfter)
{
    /// <summary>Last event before the move → first event after it; null when either side had no event.</summary>
    public TimeSpan? Gap => FirstEventAfter - LastEventBefore;

    /// <summary>
    /// The first successful Resume of <paramref name="shardId"/> at or after <paramref name="since"/>, or null
    /// when there is none yet.
    /// </summary>
    public static ShardHandoffTiming? Find(LedgerSnapshot ledger, int shardId, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var resumed = ledger.Sessions
            .Where(s => s.ShardId == shardId && s.Kind == SessionEventKind.Resumed && s.At >= since)
            .MinBy(s => s.Order);
        if (resumed is null)
        {
            return null;
        }

        // Nullable so that MinBy/MaxBy return null instead of throwing when nothing matches.
        var sends = ledger.Sent.Where(s => s.SessionId == resumed.SessionId).Select(s => (SentRecord?)s).ToList();
        var lastBefore = sends.Where(s => s!.Value.ConnectionId != resumed.ConnectionId && s.Value.Order < resumed.Order).MaxBy(s => s!.Value.Order);
        var firstAfter = sends.Where(s => s!.Value.ConnectionId == resumed.ConnectionId).MinBy(s => s!.Value.Order);
        return new ShardHandoffTiming(shardId, resumed.At, lastBefore?.At, firstAfter?.At);
    }
}
