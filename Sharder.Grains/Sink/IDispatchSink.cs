namespace Sharder.Grains.Sink;

/// <summary>
/// Where a shard's events go. Calls for one shard never overlap and arrive in gateway order; a call that
/// throws is retried with the same batch and backoff (never skipped), and the shard only counts a batch's
/// events as delivered once <see cref="DeliverAsync"/> completed. While a call is slow the shard buffers a
/// bounded number of events (the next batch) and then stops reading from the gateway (back-pressure).
/// </summary>
internal interface IDispatchSink
{
    /// <summary>
    /// Stores or forwards a batch of dispatches: every dispatch buffered when the previous call ended, in
    /// sequence order, of one session and one session start (a session start always ends a batch). Must
    /// take the whole batch or throw; a retry may repeat dispatches the failed call already stored. The
    /// payload memory belongs to the sink from here on; the batch memory only for the call.
    /// </summary>
    ValueTask DeliverAsync(ReadOnlyMemory<ShardDispatch> batch, CancellationToken cancellationToken);

    /// <summary>Reports that a session started (READY) or resumed (RESUMED), before its following dispatches.</summary>
    ValueTask OnSessionStartedAsync(SessionStart start, CancellationToken cancellationToken);
}
