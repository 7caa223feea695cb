using Sharder.Grains.Gateway.RateLimiting;

namespace Sharder.Grains.Tests.Gateway.RateLimiting;

public sealed class ReconnectBackoffTests
{
    // TimeSpan arithmetic rounds to 100 ns ticks.
    private const double TickTolerance = 1e-7;

    private static readonly TimeSpan s_base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_cap = TimeSpan.FromSeconds(60);

    [Fact]
    public void Doubles_from_the_base_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(s_base, s_cap, BackoffJitter.None, new Random(1));

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.NextDelay().TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
        Assert.Equal(9, backoff.Attempt);
    }

    [Fact]
    public void Honours_a_configured_base_and_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), BackoffJitter.None, new Random(1));

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.NextDelay().TotalMilliseconds).ToArray();

        Assert.Equal([250, 500, 1000, 1000, 1000], delays);
    }

    [Fact]
    public void Reset_starts_again_from_the_base()
    {
        var backoff = new ReconnectBackoff(s_base, s_cap, BackoffJitter.None, new Random(1));
        backoff.NextDelay();
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.Reset();

        Assert.Equal(0, backoff.Attempt);
        Assert.Equal(s_base, backoff.NextDelay());
    }

    [Fact]
    public void Full_jitter_draws_uniformly_below_each_exponential_step()
    {
        var backoff = new ReconnectBackoff(s_base, s_cap, BackoffJitter.Full, new Random(42));
        var expectedRandom = new Random(42);
        double[] ceilings = [1, 2, 4, 8, 16, 32, 60, 60];

        foreach (var ceiling in ceilings)
        {
            var delay = backoff.NextDelay().TotalSeconds;

            Assert.InRange(delay, 0, ceiling);
            Assert.Equal(ceiling * expectedRandom.NextDouble(), delay, TickTolerance);
        }
    }

    [Fact]
    public void Equal_jitter_keeps_at_least_half_of_each_step()
    {
        var backoff = new ReconnectBackoff(s_base, s_cap, BackoffJitter.Equal, new Random(7));
        var expectedRandom = new Random(7);
        double[] ceilings = [1, 2, 4, 8, 16, 32, 60, 60];

        foreach (var ceiling in ceilings)
        {
            var delay = backoff.NextDelay().TotalSeconds;

            Assert.InRange(delay, ceiling / 2, ceiling);
            Assert.Equal((ceiling / 2) + (ceiling / 2 * expectedRandom.NextDouble()), delay, TickTolerance);
        }
    }

    [Fact]
    public void Jitter_spreads_shards_that_fail_together()
    {
        var delays = Enumerable.Range(0, 50)
            .Select(seed => new ReconnectBackoff(s_base, s_cap, BackoffJitter.Full, new Random(seed)))
            .Select(backoff =>
            {
                backoff.NextDelay();
                backoff.NextDelay();
                return backoff.NextDelay();
            })
            .ToHashSet();

        Assert.True(delays.Count > 45, $"only {delays.Count} distinct delays among 50 shards");
    }

    [Fact]
    public void Many_attempts_stay_at_the_cap_without_overflow()
    {
        var backoff = new ReconnectBackoff(s_base, s_cap, BackoffJitter.None, new Random(1));

        for (var i = 0; i < 1000; i++)
        {
            var delay = backoff.NextDelay();
            Assert.InRange(delay, s_base, s_cap);
        }

        Assert.Equal(s_cap, backoff.NextDelay());
    }

    [Fact]
    public void Rejects_invalid_arguments()
    {
        var random = new Random(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.Zero, s_cap, BackoffJitter.None, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(s_cap, s_base, BackoffJitter.None, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(s_base, s_cap, (BackoffJitter)9, random));
        Assert.Throws<ArgumentNullException>(() => new ReconnectBackoff(s_base, s_cap, BackoffJitter.Full, null!));
    }
}
