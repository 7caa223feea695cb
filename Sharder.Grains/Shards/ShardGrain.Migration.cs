using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Shards;

/// <summary>
/// Deactivation and migration: a graceful silo stop (with another silo active) or <see cref="MoveToAsync"/>
/// migrates the shard; the connection stops resumably (close 4000) and its session, with the last sequence
/// delivered to Redis, is dehydrated (a <see cref="ShardSession"/>, the shard count it was identified with and when
/// the stop began) so the next activation resumes. A
/// shard that was still waiting for its identify slot passes the slot on instead, so a move during a cold
/// start neither wastes the slot nor queues the shard behind every later one.
/// </summary>
internal sealed partial class ShardGrain : IGrainMigrationParticipant
{
    /// <summary>Longest wait for the connection to stop (an event being pushed to an unreachable Redis); then it is abandoned.</summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    // The hand-off is three keyed values. Silos from before ShardSession wrote one record under "sharder.handoff";
    // neither version reads the other's keys, so a shard moving between versions resumes from its Redis
    // checkpoint instead (what reached Redis: nothing lost, nothing twice).
    private const string SessionKey = "sharder.session";
    private const string SessionShardCountKey = "sharder.session-shard-count";
    private const string StopStartedKey = "sharder.stop-started";
    private const string IdentifySlotKey = "sharder.identify-slot";

    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _localSilo;
    private Handoff? _rehydrated;
    private Handoff? _outgoing;
    private DateTimeOffset? _inheritedSlot;
    private DateTimeOffset? _outgoingSlot;

    public Task MoveToAsync(SiloAddress target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Equals(_localSilo.SiloAddress))
        {
            return Task.CompletedTask;
        }

        ShardLog.MoveRequested(_logger, ShardId, target);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        this.MigrateOnIdle();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var stopStartedAt = _timeProvider.GetUtcNow();
        var fenced = _sink?.IsFenced ?? false;
        var migrating = reason.ReasonCode == DeactivationReasonCode.Migrating;
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !fenced && AnotherSiloIsActive())
        {
            // Orleans only deactivates on shutdown; asking for a migration here hands the shard to a live silo.
            this.MigrateOnIdle();
            migrating = true;
        }

        if (_connection is not { } connection)
        {
            return;
        }

        _registry.Unregister(connection);
        _commandPump.Release(connection.ShardId);
        await StopConnectionAsync(connection, abandon: fenced).ConfigureAwait(true);
        await ReturnUnsentCommandsAsync(connection).ConfigureAwait(true);

        var session = fenced ? null : connection.ExportSession();
        _outgoingSlot = fenced ? null : _identifyGate?.UnusedSlot;
        _outgoing = session is null ? null : new Handoff(session, connection.ShardCount, stopStartedAt);
        ShardLog.Deactivating(_logger, connection.ShardId, reason, migrating, session?.SessionId, session?.Sequence);
        await connection.DisposeAsync().ConfigureAwait(true);
        _connection = null;
        _instruments.OnShardDeactivated();
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        if (_outgoing is { } handoff)
        {
            dehydrationContext.TryAddValue(SessionKey, handoff.Session);
            dehydrationContext.TryAddValue(SessionShardCountKey, handoff.ShardCount);
            dehydrationContext.TryAddValue(StopStartedKey, handoff.StopStartedAt);
        }

        if (_outgoingSlot is { } slot)
        {
            dehydrationContext.TryAddValue(IdentifySlotKey, slot);
        }
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue<ShardSession>(SessionKey, out var session) && session is not null
            && rehydrationContext.TryGetValue<int>(SessionShardCountKey, out var shardCount)
            && rehydrationContext.TryGetValue<DateTimeOffset>(StopStartedKey, out var stopStartedAt))
        {
            _rehydrated = new Handoff(session, shardCount, stopStartedAt);
        }

        if (rehydrationContext.TryGetValue<DateTimeOffset>(IdentifySlotKey, out var slot))
        {
            _inheritedSlot = slot;
        }
    }

    /// <summary>
    /// Stops resumably. The connection's loop never calls into this grain, so awaiting it cannot deadlock;
    /// the timeout only bounds an event stuck on an unreachable Redis (Discord replays it to the next
    /// activation): when it fires the connection stops hard, and <see cref="ShardConnection.StopAsync"/>
    /// still returns normally.
    /// </summary>
    private async Task StopConnectionAsync(ShardConnection connection, bool abandon)
    {
        using var timeout = new CancellationTokenSource(abandon ? TimeSpan.Zero : StopTimeout, _timeProvider);
        await connection.StopAsync(ShardStopMode.Resumable, timeout.Token).ConfigureAwait(true);
    }

    /// <summary>
    /// Commands queued but not sent go back to the head of the shard's list before the next activation can
    /// start, so they are neither lost nor overtaken; bounded by <see cref="StopTimeout"/> (a Redis outage).
    /// </summary>
    private async Task ReturnUnsentCommandsAsync(ShardConnection connection)
    {
        var unsent = connection.TakeUnsentCommands();
        if (unsent.Count == 0)
        {
            return;
        }

        try
        {
            await _commandPump.ReturnUnsentAsync(connection.ShardId, unsent).WaitAsync(StopTimeout, _timeProvider).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            // Still queued in the pump, which writes them once Redis answers.
        }
    }

    private bool AnotherSiloIsActive()
    {
        var self = _localSilo.SiloAddress;
        return _membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self));
    }

    /// <summary>What one activation hands the next: the session, the shard count it was identified with, when the stop began.</summary>
    private sealed record Handoff(ShardSession Session, int ShardCount, DateTimeOffset StopStartedAt);
}
