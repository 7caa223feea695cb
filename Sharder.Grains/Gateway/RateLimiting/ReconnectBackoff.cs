namespace Sharder.Grains.Gateway.RateLimiting;

/// <summary>
/// Exponential reconnect delays (base, 2·base, 4·base … capped) with jitter, so many shards that lose
/// their connections together do not reconnect in lockstep. <see cref="Reset"/> after a session is
/// established again. Not thread-safe: one per shard.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly BackoffJitter _jitter;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, BackoffJitter jitter, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        if (!Enum.IsDefined(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Unknown jitter mode.");
        }

        ArgumentNullException.ThrowIfNull(random);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _jitter = jitter;
        _random = random;
    }

    /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>Returns the delay before the next attempt and counts the attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = CeilingFor(Attempt);
        if (Attempt < int.MaxValue)
        {
            Attempt++;
        }

        return _jitter switch
        {
            BackoffJitter.Full => ceiling * _random.NextDouble(),
            BackoffJitter.Equal => (ceiling / 2) + (ceiling / 2 * _random.NextDouble()),
            _ => ceiling,
        };
    }

    /// <summary>Starts again from the base delay.</summary>
    public void Reset() => Attempt = 0;

    /// <summary>
    /// The delay without jitter after <paramref name="attempt"/> earlier attempts: base · 2^attempt, capped;
    /// computed on ticks as a double so large attempts cannot overflow.
    /// </summary>
    public static TimeSpan Exponential(TimeSpan baseDelay, TimeSpan maxDelay, int attempt)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 62));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private TimeSpan CeilingFor(int attempt) => Exponential(_baseDelay, _maxDelay, attempt);
}
