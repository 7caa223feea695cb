namespace Sharder.Client.Sharding;

/// <summary>What <c>{prefix}:sharding</c> held at one read: the total in service, the run, and the generations to consume.</summary>
public sealed class ShardingSnapshot
{
    internal ShardingSnapshot(int totalInService, int baseTotal, ReshardRunSummary? run, IReadOnlyList<ShardGeneration> generations)
    {
        TotalInService = totalInService;
        BaseTotal = baseTotal;
        Run = run;
        Generations = generations;
    }

    /// <summary>The shard total in service; commands are routed with it (<c>(guild_id &gt;&gt; 22) % total</c>).</summary>
    public int TotalInService { get; }

    /// <summary>The bot's first total, whose keys stay unqualified.</summary>
    public int BaseTotal { get; }

    /// <summary>The current or last run; null when none ever ran.</summary>
    public ReshardRunSummary? Run { get; }

    /// <summary>
    /// The generations whose lists a worker on the Cluster key layout consumes now: the one in service first, then
    /// during a run the incoming one, or after a run the one to drain.
    /// </summary>
    public IReadOnlyList<ShardGeneration> Generations { get; }

    /// <summary>The generation in service (the first of <see cref="Generations"/>).</summary>
    public ShardGeneration InService => Generations[0];
}
