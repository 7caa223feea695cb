namespace Sharder.Grains.Gateway;

/// <summary>
/// Where a shard's events go. Calls for one shard never overlap and arrive in gateway order; a call that
/// throws is retried with backoff (never skipped), and the shard only counts an event as delivered once
/// <see cref="DeliverAsync"/> completed. While a call is slow the shard buffers a bounded number of
/// events and then stops reading from the gateway (back-pressure).
/// </summary>
internal interface IDispatchSink
{
    /// <summary>Stores or forwards one dispatch. The payload memory belongs to the sink from here on.</summary>
    ValueTask DeliverAsync(ShardDispatch dispatch, CancellationToken cancellationToken);

    /// <summary>Reports that a session started (READY) or resumed (RESUMED), before its following dispatches.</summary>
    ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken);
}
