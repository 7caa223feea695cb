using Orleans.Concurrency;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// The cluster's identify gate (a singleton, key 0): hands out Identify slots per rate-limit key and
/// keeps the daily session-start budget, in a ledger shared by every cluster of the bot (Redis), written
/// before answering.
/// </summary>
public interface IShardCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>The singleton's key.</summary>
    const long SingletonKey = 0;

    /// <summary>Asks for an Identify slot: a time to identify at, or a refusal with a time to ask again. Never waits.</summary>
    /// <param name="shardId">The shard that will identify.</param>
    /// <param name="shardCount">The shard count it identifies with.</param>
    /// <param name="unusedSlot">
    /// A slot granted to this shard that it did not use, or null: one it woke too late for, or one an
    /// activation held when the shard moved to another silo. It is not charged again: a slot still within
    /// its grace is granted back as it was, a later one is replaced by the next free slot.
    /// </param>
    /// <remarks>Interleaved: requests that arrive together are answered on one ledger transaction (group commit).</remarks>
    [AlwaysInterleave]
    Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot);

    /// <summary>
    /// Reports that the Identify sent on a granted slot never reached READY (op 9, a close, a dropped
    /// connection). The grant stays charged but is marked uncertain, and a <c>/gateway/bot</c> refresh soon
    /// settles it: Discord does not charge an Identify refused for concurrency, but may have charged one
    /// whose connection dropped, so crediting it back blindly could overspend.
    /// </summary>
    /// <param name="shardId">The shard that identified.</param>
    /// <param name="slotAt">The slot it identified on, as granted (the coordinator's clock).</param>
    [AlwaysInterleave]
    Task ReportIdentifyFailedAsync(int shardId, DateTimeOffset slotAt);

    /// <summary>The budget, the slots and the counters.</summary>
    Task<IdentifyStatus> GetStatusAsync();

    /// <summary>The bootstrap gateway URL from the last <c>/gateway/bot</c> answer (asking Discord once if
    /// there is none yet); null when Discord could not be reached.</summary>
    Task<string?> GetGatewayUrlAsync();
}
