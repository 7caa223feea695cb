namespace Sharder.Simulator.Ledger;

/// <summary>What the ledger routed to one session and what was published for it, indexed for the checks.</summary>
internal sealed class SessionRoutes
{
    private List<long>? _publishableSeqs;

    public SessionRoutes(string sessionId, ShardKey shard)
    {
        SessionId = sessionId;
        Shard = shard;
    }

    public string SessionId { get; }

    public ShardKey Shard { get; }

    /// <summary>Indexes into <see cref="LedgerSnapshot.Routed"/>, ascending by seq once the context is built.</summary>
    public List<int> RouteIndexes { get; } = [];

    public Dictionary<long, int> RouteIndexBySeq { get; } = [];

    public long HighestSent { get; set; }

    /// <summary>Seq → how many times it was published.</summary>
    public Dictionary<long, int> PublishCounts { get; } = [];

    /// <summary>This session's publications in publish order.</summary>
    public List<Publication> Publications { get; } = [];

    /// <summary>Routed seqs that must be published (type not excluded), ascending.</summary>
    public List<long> PublishableSeqs(LedgerSnapshot ledger, InvariantOptions options) =>
        _publishableSeqs ??= [.. RouteIndexes.Select(i => ledger.Routed[i]).Where(r => !options.ExcludedTypes.Contains(r.Type)).Select(r => r.Seq)];
}
