using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sharder.Grains.Hosting;
using Sharder.Silo.Configuration;
using StackExchange.Redis;

namespace Sharder.Silo.Health;

/// <summary>
/// Ready when Redis answers PING within <see cref="PingTimeout"/>. Uses its own small connection, opened on the
/// first check, so readiness reflects Redis itself rather than the state of any other client.
/// </summary>
internal sealed class RedisHealthCheck(IOptions<SiloHostOptions> options, TimeProvider timeProvider) : IHealthCheck, IAsyncDisposable
{
    internal static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            var latency = await connection.GetDatabase().PingAsync()
                .WaitAsync(PingTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered PING in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Redis did not answer PING ({ex.GetType().Name}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private async Task<ConnectionMultiplexer> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var configuration = RedisTls.Parse(options.Value.RedisAddress, options.Value.RedisTlsCaFile);
                configuration.AbortOnConnectFail = false;
                configuration.ConnectTimeout = (int)PingTimeout.TotalMilliseconds;
                configuration.ClientName = "sharder-readiness";
                _connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }

            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
