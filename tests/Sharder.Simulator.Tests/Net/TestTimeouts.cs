namespace Sharder.Simulator.Tests.Net;

/// <summary>Bounds for awaiting network events in tests: generous for things that must happen, short for things that must not.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Expected = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MustNotHappen = TimeSpan.FromMilliseconds(400);

    public static async Task<T> Within<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Expected);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Expected} waiting for: {what}");
        }
    }

    public static async Task Within(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Expected);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Expected} waiting for: {what}");
        }
    }

    public static Task<T> Within<T>(this ValueTask<T> task, string what) => task.AsTask().Within(what);

    /// <summary>True if the task is still pending after the short "must not happen" window.</summary>
    public static async Task<bool> StaysPending(this Task task)
    {
        try
        {
            await task.WaitAsync(MustNotHappen);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
        catch (Exception)
        {
            return false; // it completed, by failing
        }
    }

    /// <summary>Polls a condition until it holds, failing after <see cref="Expected"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Expected;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Expected} waiting for: {what}");
            }

            await poll.WaitForNextTickAsync();
        }
    }
}
