namespace Sharder.Simulator;

/// <summary>Lets tests await "something changed" instead of polling with sleeps .</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;

    public bool HasWaiters => Volatile.Read(ref _waiters) > 0;

    public void Pulse()
    {
        if (!HasWaiters) return;
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking on every pulse (and every 50 ms as a safety net).</summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var next = Volatile.Read(ref _next).Task;
                if (condition()) return;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}.");
                await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, left.TotalMilliseconds)), ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }
}
