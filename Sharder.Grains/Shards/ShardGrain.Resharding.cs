using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Shards;

/// <summary>
/// The shard's part in a resharding run, driven by the supervisor: report progress, take the cut-over,
/// retire (old generation) or take over (new generation).
/// </summary>
internal sealed partial class ShardGrain
{
    public Task<ShardReshardProgress> GetReshardProgressAsync()
    {
        var readiness = _cutover?.Readiness;
        var ready = _connection is not null && (readiness?.IsReady(_timeProvider.GetUtcNow()) ?? _connection.Status.State == GatewayState.Active);
        return Task.FromResult(new ShardReshardProgress(
            Shard,
            ready,
            readiness?.PendingGuilds ?? 0,
            _cutover?.FirstPublishedSequence ?? -1,
            _cutover?.LastPublishedSequence ?? -1,
            _cutover?.Withheld ?? 0,
            _cutover?.Overlapping ?? 0));
    }

    public Task SetCutoverAsync(DateTimeOffset cutover, TimeSpan window)
    {
        if (_cutover is { Role: GenerationRole.Sole })
        {
            // Activated before the run started: the generation in service is the one being replaced.
            _cutover.SetRole(GenerationRole.Old);
        }

        _cutover?.SetCutover(cutover, window);
        return Task.CompletedTask;
    }

    public async Task<long> RetireAsync()
    {
        var last = _cutover?.LastPublishedSequence ?? -1;
        if (_connection is not { } connection)
        {
            this.DeactivateOnIdle();
            return last;
        }

        _registry.Unregister(connection);
        if (_hostsCommands)
        {
            _commandPump.Release(connection.ShardId);
            _hostsCommands = false;
        }

        using (var timeout = new CancellationTokenSource(StopTimeout, _timeProvider))
        {
            await connection.StopAsync(ShardStopMode.Shutdown, timeout.Token).ConfigureAwait(true);
        }

        await ReturnUnsentCommandsAsync(connection).ConfigureAwait(true);
        last = _cutover?.LastPublishedSequence ?? -1;
        ShardLog.Retired(_logger, Shard, last);
        await connection.DisposeAsync().ConfigureAwait(true);
        _connection = null;
        _instruments.OnShardDeactivated();
        this.DeactivateOnIdle();
        return last;
    }

    public Task PromoteAsync()
    {
        _cutover?.SetRole(GenerationRole.Sole);
        if (_connection is { } connection && !_hostsCommands)
        {
            _registry.ServeCommands(connection);
            _commandPump.Host(connection.ShardId, connection.ShardCount);
            _hostsCommands = true;
        }

        return Task.CompletedTask;
    }
}
