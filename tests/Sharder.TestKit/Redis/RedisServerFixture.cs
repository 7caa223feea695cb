using Xunit;

namespace Sharder.TestKit.Redis;

/// <summary>
/// xunit fixture owning one <see cref="RedisServer"/> for a test class or collection. Test
/// assemblies share it through a <c>[CollectionDefinition(RedisServerFixture.CollectionName)]</c>
/// class of their own, because xunit only discovers collection definitions in the test assembly.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    /// <summary>Collection name that test assemblies use for their shared-Redis collection.</summary>
    public const string CollectionName = "redis";

    /// <summary>The server this fixture starts before the first test and disposes after the last.</summary>
    public RedisServer Server { get; } = new();

    /// <inheritdoc cref="RedisServer.Port"/>
    public int Port => Server.Port;

    /// <inheritdoc cref="RedisServer.ConnectionString"/>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>Starts the server again on the same port after <see cref="StopAsync"/>.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => Server.StartAsync(cancellationToken);

    /// <summary>Stops the server to simulate an outage; the port stays the same for <see cref="StartAsync"/>.</summary>
    public Task StopAsync() => Server.StopAsync();

    /// <inheritdoc cref="RedisServer.FlushAllAsync"/>
    public Task FlushAllAsync(CancellationToken cancellationToken = default) => Server.FlushAllAsync(cancellationToken);

    /// <inheritdoc/>
    public Task InitializeAsync() => Server.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Server.DisposeAsync().ConfigureAwait(false);
}
