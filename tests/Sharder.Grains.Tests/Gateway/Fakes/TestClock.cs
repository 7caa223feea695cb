using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also records the due time of every timer created, so a test can
/// wait until the code under test has scheduled something before it advances the clock.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _created = new();
    private readonly SemaphoreSlim _timerCreated = new(0);

    public TestClock()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Enqueue(dueTime);
        _timerCreated.Release();
        return timer;
    }

    /// <summary>Waits until a timer due after exactly <paramref name="dueTime"/> has been created (now or earlier).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var deadline = new CancellationTokenSource(Waits.Timeout);
        while (!_created.Contains(dueTime))
        {
            try
            {
                await _timerCreated.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No timer due in {dueTime} was created within {Waits.Timeout}; timers seen: {string.Join(", ", _created)}.");
            }
        }
    }

    /// <summary>Forgets the timers seen so far, so the next wait only matches new ones.</summary>
    public void ForgetTimers() => _created.Clear();
}
