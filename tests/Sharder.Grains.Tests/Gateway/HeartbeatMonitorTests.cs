using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class HeartbeatMonitorTests
{
    private readonly TestClock _clock = new();

    [Fact]
    public void Not_a_zombie_before_the_first_scheduled_heartbeat()
    {
        var monitor = new HeartbeatMonitor(_clock);

        Assert.False(monitor.IsZombie());
        Assert.Null(monitor.Latency);
    }

    [Fact]
    public void An_unanswered_scheduled_heartbeat_is_a_zombie()
    {
        var monitor = new HeartbeatMonitor(_clock);

        monitor.OnHeartbeatSent(scheduled: true);

        Assert.True(monitor.IsZombie());
    }

    [Fact]
    public void An_ack_clears_the_check_and_measures_latency()
    {
        var monitor = new HeartbeatMonitor(_clock);
        monitor.OnHeartbeatSent(scheduled: true);

        _clock.Advance(TimeSpan.FromMilliseconds(87));
        monitor.OnAckReceived();

        Assert.False(monitor.IsZombie());
        Assert.Equal(TimeSpan.FromMilliseconds(87), monitor.Latency);
    }

    [Fact]
    public void A_requested_heartbeat_does_not_reset_the_check()
    {
        var monitor = new HeartbeatMonitor(_clock);
        monitor.OnHeartbeatSent(scheduled: true);
        monitor.OnAckReceived();

        monitor.OnHeartbeatSent(scheduled: false);

        Assert.False(monitor.IsZombie());
    }

    [Fact]
    public void A_pause_since_the_last_scheduled_heartbeat_suspends_the_check()
    {
        var monitor = new HeartbeatMonitor(_clock);
        monitor.OnHeartbeatSent(scheduled: true);

        monitor.PauseReading();
        Assert.False(monitor.IsZombie());
        monitor.ResumeReading();
        Assert.False(monitor.IsZombie());

        monitor.OnHeartbeatSent(scheduled: true);
        Assert.True(monitor.IsZombie());
    }

    [Fact]
    public void A_heartbeat_sent_while_paused_is_not_checked()
    {
        var monitor = new HeartbeatMonitor(_clock);
        monitor.PauseReading();
        monitor.OnHeartbeatSent(scheduled: true);
        monitor.ResumeReading();

        Assert.False(monitor.IsZombie());
        Assert.False(monitor.IsReadingPaused);
    }
}
