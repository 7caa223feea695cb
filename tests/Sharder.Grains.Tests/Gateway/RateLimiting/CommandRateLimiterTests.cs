using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Gateway.RateLimiting;

namespace Sharder.Grains.Tests.Gateway.RateLimiting;

public sealed class CommandRateLimiterTests
{
    private const int Limit = 120;
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_discordHeartbeat = TimeSpan.FromMilliseconds(41250);
    private static readonly TimeSpan s_waitTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(41250, 3)]
    [InlineData(45000, 3)]
    [InlineData(30000, 3)]
    [InlineData(60000, 2)]
    [InlineData(90000, 2)]
    [InlineData(5000, 13)]
    [InlineData(1000, 61)]
    [InlineData(400, Limit - 1)]
    public void Reserves_ceil_window_over_interval_plus_one(int heartbeatMilliseconds, int expectedReserved)
    {
        var limiter = new CommandRateLimiter(new FakeTimeProvider(), TimeSpan.FromMilliseconds(heartbeatMilliseconds));

        Assert.Equal(expectedReserved, limiter.ReservedPermits);
    }

    [Fact]
    public void Allows_limit_minus_reserved_then_reports_when_the_oldest_expires()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);

        var granted = AcquireAllNow(limiter, out var retryAfter);

        Assert.Equal(Limit - 3, granted);
        Assert.Equal(s_window, retryAfter);
    }

    [Fact]
    public void Permits_free_up_exactly_one_window_after_use()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        Assert.True(limiter.TryAcquire(out _));
        time.Advance(TimeSpan.FromSeconds(10));
        AcquireAllNow(limiter, out _);

        time.Advance(TimeSpan.FromSeconds(50) - TimeSpan.FromTicks(1));
        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromTicks(1), retryAfter);

        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);
    }

    [Fact]
    public void Priority_sends_within_the_reservation_do_not_reduce_command_permits()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        for (var i = 0; i < limiter.ReservedPermits; i++)
        {
            limiter.RecordPriority();
        }

        Assert.Equal(Limit - limiter.ReservedPermits, AcquireAllNow(limiter, out _));
    }

    [Fact]
    public void Priority_sends_beyond_the_reservation_reduce_command_permits()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        for (var i = 0; i < limiter.ReservedPermits + 5; i++)
        {
            limiter.RecordPriority();
        }

        Assert.Equal(Limit - limiter.ReservedPermits - 5, AcquireAllNow(limiter, out _));
    }

    [Fact]
    public void Retry_after_accounts_for_priority_sends_over_the_reservation()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        AcquireAllNow(limiter, out _);
        time.Advance(TimeSpan.FromSeconds(20));
        for (var i = 0; i < limiter.ReservedPermits + 2; i++)
        {
            limiter.RecordPriority();
        }

        // At t=60 all commands expire, but the two extra priority sends still occupy two slots until t=80.
        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        time.Advance(retryAfter);
        Assert.Equal(Limit - limiter.ReservedPermits - 2, AcquireAllNow(limiter, out _));
    }

    [Theory]
    [InlineData(41250, 0.0)]
    [InlineData(41250, 0.73)]
    [InlineData(45000, 0.5)]
    [InlineData(30000, 0.0)]
    [InlineData(30000, 0.99)]
    [InlineData(60000, 0.25)]
    [InlineData(5000, 0.1)]
    [InlineData(1000, 0.5)]
    public void Peak_in_any_window_never_exceeds_the_limit_counting_heartbeats(int heartbeatMilliseconds, double jitter)
    {
        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromMilliseconds(heartbeatMilliseconds);
        var limiter = new CommandRateLimiter(time, interval);
        var start = time.GetUtcNow();
        var end = start + TimeSpan.FromMinutes(10);
        var sends = new List<DateTimeOffset>();
        var commands = 0;

        limiter.RecordPriority(); // Identify
        sends.Add(start);
        var nextHeartbeat = start + (interval * jitter);

        while (time.GetUtcNow() < end)
        {
            var now = time.GetUtcNow();
            if (now >= nextHeartbeat)
            {
                limiter.RecordPriority();
                sends.Add(now);
                nextHeartbeat += interval;
            }

            // A greedy sender takes every permit the moment it is free.
            TimeSpan retryAfter;
            while (limiter.TryAcquire(out retryAfter))
            {
                sends.Add(now);
                commands++;
            }

            Assert.True(retryAfter > TimeSpan.Zero, "a refused permit must say when to retry");
            var wakeAt = now + retryAfter < nextHeartbeat ? now + retryAfter : nextHeartbeat;
            time.Advance(wakeAt - now);
        }

        var peak = PeakInAnyWindow(sends, s_window);
        Assert.True(peak <= Limit, $"peak {peak} in a {s_window} window exceeds {Limit}");

        // Not over-conservative either: commands use their whole share of every window.
        var windows = (end - start) / s_window;
        Assert.True(commands >= (Limit - limiter.ReservedPermits) * Math.Floor(windows), $"only {commands} commands were sent");
    }

    [Fact]
    public async Task WaitAsync_completes_when_a_permit_frees_up()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        AcquireAllNow(limiter, out _);

        var wait = limiter.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);

        time.Advance(s_window - TimeSpan.FromSeconds(1));
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(s_waitTimeout);

        // The waiter took a permit: only the rest of the window's share is left.
        Assert.Equal(Limit - limiter.ReservedPermits - 1, AcquireAllNow(limiter, out _));
    }

    [Fact]
    public async Task WaitAsync_returns_at_once_when_a_permit_is_free()
    {
        var limiter = new CommandRateLimiter(new FakeTimeProvider(), s_discordHeartbeat);

        var wait = limiter.WaitAsync(CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task WaitAsync_can_be_cancelled()
    {
        var time = new FakeTimeProvider();
        var limiter = new CommandRateLimiter(time, s_discordHeartbeat);
        AcquireAllNow(limiter, out _);
        using var cancellation = new CancellationTokenSource();

        var wait = limiter.WaitAsync(cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(s_waitTimeout));
    }

    [Fact]
    public void Rejects_invalid_arguments()
    {
        var time = new FakeTimeProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandRateLimiter(time, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandRateLimiter(time, s_discordHeartbeat, commandsPerWindow: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandRateLimiter(time, s_discordHeartbeat, window: TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => new CommandRateLimiter(null!, s_discordHeartbeat));
    }

    private static int AcquireAllNow(CommandRateLimiter limiter, out TimeSpan retryAfter)
    {
        var granted = 0;
        while (limiter.TryAcquire(out retryAfter))
        {
            granted++;
            Assert.True(granted <= Limit, "the limiter granted more than the limit at one instant");
        }

        return granted;
    }

    /// <summary>The most sends in any half-open window [t, t + window), t ranging over the send times.</summary>
    private static int PeakInAnyWindow(List<DateTimeOffset> sends, TimeSpan window)
    {
        var peak = 0;
        var first = 0;
        for (var last = 0; last < sends.Count; last++)
        {
            while (sends[last] - sends[first] >= window)
            {
                first++;
            }

            peak = Math.Max(peak, last - first + 1);
        }

        return peak;
    }
}
