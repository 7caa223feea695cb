namespace Sharder.Grains.Gateway;

/// <summary>
/// Spaces out Identify calls so the bot stays within Discord's <c>max_concurrency</c> limit: at most one
/// Identify per rate-limit key (<c>shard_id % max_concurrency</c>) every 5 seconds. Every shard of a bot
/// must go through the same gate; exceeding the limit costs the shard its new session (op 9).
/// </summary>
internal interface IIdentifyGate
{
    /// <summary>Waits until <paramref name="shardId"/> may identify. Cancelling gives up the place without using a slot.</summary>
    /// <param name="shardId">The shard that will identify.</param>
    /// <param name="missed">The permit this shard could not use before its <see cref="IdentifyPermit.UseBy"/> (it did not identify), or null.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a slot and returns its permit up to <paramref name="lead"/> before <see cref="IdentifyPermit.SlotAt"/>,
    /// so the shard can open its socket in time; the Identify itself must still wait for the slot. A gate
    /// that cannot tell the slot ahead returns at the slot, as <see cref="AcquireAsync(int, IdentifyPermit?, CancellationToken)"/> does.
    /// </summary>
    /// <param name="shardId">The shard that will identify.</param>
    /// <param name="missed">As for <see cref="AcquireAsync(int, IdentifyPermit?, CancellationToken)"/>.</param>
    /// <param name="lead">How long before its slot the permit may be handed out.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, TimeSpan lead, CancellationToken cancellationToken)
        => AcquireAsync(shardId, missed, cancellationToken);

    /// <summary>Reports that the Identify sent on <paramref name="permit"/> never reached READY (op 9, a close, a dropped connection), so the budget can account for it.</summary>
    ValueTask ReportIdentifyFailedAsync(IdentifyPermit permit, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
