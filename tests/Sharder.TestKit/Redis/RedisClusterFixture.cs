using Xunit;

namespace Sharder.TestKit.Redis;

/// <summary>
/// xunit fixture owning one <see cref="RedisCluster"/> (3 primaries, 3 replicas) for a test class. A test that kills
/// a primary should own its cluster instead (<see cref="RedisCluster"/> directly), or leave it healthy again.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    /// <summary>The cluster this fixture forms before the first test and tears down after the last.</summary>
    public RedisCluster Cluster { get; } = new();

    /// <inheritdoc cref="RedisCluster.ConnectionString"/>
    public string ConnectionString => Cluster.ConnectionString;

    /// <inheritdoc/>
    public Task InitializeAsync() => Cluster.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Cluster.DisposeAsync().ConfigureAwait(false);
}
