using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Interfaces;

/// <summary>
/// One Discord gateway shard (the key is the shard id), owning its connection for as long as it is
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
}
