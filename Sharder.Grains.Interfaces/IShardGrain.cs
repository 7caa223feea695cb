using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// One Discord gateway shard (the key is its <see cref="ShardRef"/>: id and total, see <see cref="ShardRef.GrainKey"/>), owning its connection for as long as it is
/// active. Activation connects (resume or identify); a graceful silo stop or <see cref="MoveToAsync"/>
/// migrates it with its session so the new activation resumes.
/// </summary>
public interface IShardGrain : IGrainWithIntegerKey
{
    /// <summary>Does nothing but make sure the shard is active (activating it connects the shard).</summary>
    Task EnsureActiveAsync();

    /// <summary>The shard's connection state and where it runs.</summary>
    Task<ShardGrainStatus> GetStatusAsync();

    /// <summary>Queues one gateway command (a JSON payload) on the shard's connection.</summary>
    Task SendCommandAsync(byte[] payload);

    /// <summary>Migrates the shard, with its session, to <paramref name="target"/> (live: it resumes there).</summary>
    Task MoveToAsync(SiloAddress target);

    /// <summary>Resharding: whether this shard caught up (READY and its guilds) and what it published.</summary>
    Task<ShardReshardProgress> GetReshardProgressAsync();

    /// <summary>Resharding: fixes the cut-over instant T and the overlap window W for this shard (idempotent).</summary>
    Task SetCutoverAsync(DateTimeOffset cutover, TimeSpan window);

    /// <summary>
    /// Resharding: closes the shard's session with 1000 (not resumable), stops taking commands and deactivates.
    /// The caller retires its checkpoint. Returns the last sequence it published (-1 none).
    /// </summary>
    Task<long> RetireAsync();

    /// <summary>Resharding: the shard's generation is now the one in service; it publishes everything and takes its commands.</summary>
    Task PromoteAsync();
}
