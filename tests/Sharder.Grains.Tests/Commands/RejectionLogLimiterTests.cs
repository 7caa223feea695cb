using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Commands;

namespace Sharder.Grains.Tests.Commands;

public sealed class RejectionLogLimiterTests
{
    [Fact]
    public void One_line_per_reason_per_second_with_the_count_held_back()
    {
        var clock = new FakeTimeProvider();
        var limiter = new RejectionLogLimiter(clock);

        Assert.True(limiter.TryTake(CommandRejectReason.InvalidJson, out int first));
        Assert.Equal(0, first);
        for (int i = 0; i < 50; i++)
        {
            Assert.False(limiter.TryTake(CommandRejectReason.InvalidJson, out _));
        }

        Assert.True(limiter.TryTake(CommandRejectReason.OpNotAllowed, out int other));
        Assert.Equal(0, other);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryTake(CommandRejectReason.InvalidJson, out _));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryTake(CommandRejectReason.InvalidJson, out int suppressed));
        Assert.Equal(51, suppressed);
    }
}
