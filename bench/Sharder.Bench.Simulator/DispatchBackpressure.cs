namespace Sharder.Bench.Simulator;

/// <summary>
/// Keeps producers at most <c>maxInFlight</c> events ahead of the null clients. The simulator queues
/// outbound frames without bound, so an unthrottled producer would measure how fast it can fill memory,
/// not how fast the simulator delivers. Producers resume once the backlog is down to half the limit.
/// </summary>
internal sealed class DispatchBackpressure(long maxInFlight)
{
    private readonly long _resumeAt = maxInFlight / 2;
    private long _produced;
    private long _received;
    private TaskCompletionSource? _room;

    public long Produced => Interlocked.Read(ref _produced);

    public long Received => Interlocked.Read(ref _received);

    public long InFlight => Produced - Received;

    public void OnProduced(int count) => Interlocked.Add(ref _produced, count);

    /// <summary>Called by a null client for every whole message it received.</summary>
    public void OnReceived()
    {
        var received = Interlocked.Increment(ref _received);
        if (Volatile.Read(ref _room) is not null && Produced - received <= _resumeAt)
        {
            Interlocked.Exchange(ref _room, null)?.TrySetResult();
        }
    }

    /// <summary>Completes at once while the backlog is under the limit, else when clients caught up to half of it.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken ct)
    {
        if (InFlight <= maxInFlight) return;
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var room = Interlocked.CompareExchange(ref _room, fresh, null) ?? fresh;

        // The clients may have caught up between the first check and publishing the waiter.
        if (InFlight <= _resumeAt) Interlocked.Exchange(ref _room, null)?.TrySetResult();
        await room.Task.WaitAsync(ct).ConfigureAwait(false);
    }
}
