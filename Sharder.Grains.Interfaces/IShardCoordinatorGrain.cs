using Sharder.Grains.Coordination;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// The cluster's identify gate (a singleton, key 0): hands out Identify slots per rate-limit key and
/// keeps the daily session-start budget, persisting both before answering.
/// </summary>
public interface IShardCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>The singleton's key.</summary>
    const long SingletonKey = 0;

    /// <summary>Asks for an Identify slot: a time to identify at, or a refusal with a time to ask again. Never waits.</summary>
    /// <param name="shardId">The shard that will identify.</param>
    /// <param name="shardCount">The shard count it identifies with.</param>
    /// <param name="missedSlot">
    /// The slot this shard was granted and woke too late to use (it did not identify), or null. The new
    /// slot replaces it and is not charged again.
    /// </param>
    Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? missedSlot);

    /// <summary>The budget, the slots and the counters.</summary>
    Task<IdentifyStatus> GetStatusAsync();

    /// <summary>The bootstrap gateway URL from the last <c>/gateway/bot</c> answer (asking Discord once if
    /// there is none yet); null when Discord could not be reached.</summary>
    Task<string?> GetGatewayUrlAsync();
}
