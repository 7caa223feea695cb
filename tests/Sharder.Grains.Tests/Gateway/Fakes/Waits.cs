namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>Deadline-bound waits for the gateway tests: never a bare sleep.</summary>
internal static class Waits
{
    /// <summary>Real time a test waits for something that should happen promptly.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="because"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > Timeout)
            {
                throw new TimeoutException($"Timed out after {Timeout} waiting until {because}.");
            }

            await Task.Delay(s_pollInterval);
        }
    }

    /// <summary>
    /// Drives fake time: advances <paramref name="clock"/> by <paramref name="step"/> between polls until
    /// <paramref name="condition"/> holds. For paths with several timers in a row (backoff, retries).
    /// </summary>
    public static async Task AdvanceUntilAsync(TestClock clock, TimeSpan step, Func<bool> condition, string because)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > Timeout)
            {
                throw new TimeoutException($"Timed out after {Timeout} (fake time {clock.GetUtcNow():O}) waiting until {because}.");
            }

            clock.Advance(step);
            await Task.Delay(s_pollInterval);
        }
    }

    /// <summary>Awaits a task with the standard deadline and a message saying what was awaited.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {Timeout} waiting for {what}.", ex);
        }
    }

    public static async Task ForAsync(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {Timeout} waiting for {what}.", ex);
        }
    }
}
