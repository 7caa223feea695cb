namespace Sharder.Simulator.Ledger;

/// <summary>Identifies one shard of one app under one shard count.</summary>
internal readonly record struct ShardKey(long AppId, int ShardId, int NumShards)
{
    public override string ToString() => $"app {AppId} shard [{ShardId}, {NumShards}]";
}
