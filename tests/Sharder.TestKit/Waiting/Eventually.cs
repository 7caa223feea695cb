namespace Sharder.TestKit;

/// <summary>
/// Awaits a condition with a deadline, polling every <see cref="PollInterval"/>. Tests use it
/// instead of sleeping for something to happen. Exceptions thrown by the condition propagate.
/// </summary>
public static class Eventually
{
    /// <summary>How long to wait between two checks of the condition.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(15);

    /// <param name="condition">Checked at once, then every <see cref="PollInterval"/>, and once more at the deadline.</param>
    /// <param name="timeout">How long to keep checking.</param>
    /// <param name="because">What is awaited, phrased to follow "waiting until", e.g. "the shard is Ready".</param>
    /// <exception cref="TimeoutException">The condition was still false at the deadline; the message contains <paramref name="because"/>.</exception>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), timeout, because);
    }

    /// <inheritdoc cref="TrueAsync(Func{bool}, TimeSpan, string)"/>
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
        => PollAsync(condition, timeout, because, TimeProvider.System);

    private static async Task PollAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrWhiteSpace(because);

        long started = timeProvider.GetTimestamp();
        int checks = 0;
        while (true)
        {
            checks++;
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            var elapsed = timeProvider.GetElapsedTime(started);
            if (elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {elapsed.TotalMilliseconds:F0} ms ({checks} checks) waiting until {because}.");
            }

            var remaining = timeout - elapsed;
            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, timeProvider).ConfigureAwait(false);
        }
    }
}
