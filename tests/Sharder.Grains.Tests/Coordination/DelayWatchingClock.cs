using Microsoft.Extensions.Time.Testing;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>A <see cref="FakeTimeProvider"/> that reports the due time of the first timer created, so a test knows the code is waiting before it advances time.</summary>
internal sealed class DelayWatchingClock : FakeTimeProvider
{
    private readonly TaskCompletionSource<TimeSpan> _firstTimer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DelayWatchingClock(DateTimeOffset start)
        : base(start)
    {
    }

    public Task<TimeSpan> FirstTimerDue => _firstTimer.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _firstTimer.TrySetResult(dueTime);
        return timer;
    }
}
