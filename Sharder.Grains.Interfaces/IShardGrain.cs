namespace Sharder.Grains.Interfaces;

/// <summary>One Discord gateway shard, owning its connection for as long as it is active.</summary>
public interface IShardGrain : IGrainWithIntegerKey
{
}
