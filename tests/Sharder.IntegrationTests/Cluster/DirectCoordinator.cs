using Sharder.Grains.Coordination;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// The coordinator grain's calls answered by an <see cref="IdentifyCoordinator"/> in this process, so
/// scenarios can run a cluster's identify front without a silo (the grain forwards exactly these calls).
/// </summary>
internal sealed class DirectCoordinator(IdentifyCoordinator coordinator) : IShardCoordinatorGrain
{
    public Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot)
        => coordinator.RequestIdentifyAsync(shardId, shardCount, unusedSlot);

    public Task ReportIdentifyFailedAsync(int shardId, DateTimeOffset slotAt) => coordinator.ReportIdentifyFailedAsync(shardId, slotAt);

    public Task<IdentifyStatus> GetStatusAsync() => coordinator.GetStatusAsync();

    public Task<string?> GetGatewayUrlAsync() => Task.FromResult(coordinator.GatewayUrl?.ToString());
}
