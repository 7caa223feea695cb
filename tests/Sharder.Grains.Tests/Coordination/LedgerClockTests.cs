using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;

namespace Sharder.Grains.Tests.Coordination;

public sealed class LedgerClockTests
{
    [Fact]
    public void Follows_the_local_clock_until_the_first_read_then_the_servers_time_advanced_locally()
    {
        var local = new FakeTimeProvider(Start);
        var clock = new LedgerClock(local);
        Assert.Equal(Start, clock.GetUtcNow());
        Assert.False(clock.IsAnchored);

        var server = Start.AddSeconds(-42);
        clock.Anchor(server);
        local.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.True(clock.IsAnchored);
        Assert.Equal(server.AddMilliseconds(1500), clock.GetUtcNow());
    }
}
