using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class LocalIdentifyGateTests
{
    [Fact]
    public async Task Shards_of_one_bucket_are_spaced_by_the_window()
    {
        var clock = new TestClock();
        using var gate = new LocalIdentifyGate(maxConcurrency: 2, clock);

        var first = await gate.AcquireAsync(0, null, default);
        var second = gate.AcquireAsync(2, null, default).AsTask();
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        var permit = await Waits.ForAsync(second, "the second permit");
        Assert.Equal(0, first.RateLimitKey);
        Assert.Equal(0, permit.RateLimitKey);
        Assert.Equal(2, permit.ShardId);
        Assert.Equal(TimeSpan.FromSeconds(5), permit.SlotAt - first.SlotAt);
    }

    [Fact]
    public async Task Different_buckets_do_not_wait_for_each_other()
    {
        var clock = new TestClock();
        using var gate = new LocalIdentifyGate(maxConcurrency: 16, clock);

        var permits = new List<IdentifyPermit>();
        for (var shard = 0; shard < 16; shard++)
        {
            var pending = gate.AcquireAsync(shard, null, default);
            Assert.True(pending.IsCompleted);
            permits.Add(await pending);
        }

        Assert.Equal(Enumerable.Range(0, 16), permits.Select(p => p.RateLimitKey));
        var seventeenth = gate.AcquireAsync(16, null, default);
        Assert.False(seventeenth.IsCompleted);
    }

    [Fact]
    public async Task The_window_is_configurable_and_counts_from_the_last_grant()
    {
        var clock = new TestClock();
        using var gate = new LocalIdentifyGate(maxConcurrency: 1, clock, TimeSpan.FromSeconds(2));
        await gate.AcquireAsync(0, null, default);

        clock.Advance(TimeSpan.FromSeconds(3));
        var late = gate.AcquireAsync(1, null, default);

        Assert.True(late.IsCompleted);
        await late;
    }

    [Fact]
    public async Task A_cancelled_wait_does_not_use_a_slot()
    {
        var clock = new TestClock();
        using var gate = new LocalIdentifyGate(maxConcurrency: 1, clock);
        await gate.AcquireAsync(0, null, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.AcquireAsync(0, null, cancel.Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = gate.AcquireAsync(0, null, default).AsTask();
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));

        var permit = await Waits.ForAsync(next, "the permit after the cancelled wait");
        Assert.Equal(clock.GetUtcNow(), permit.SlotAt);
    }

    [Fact]
    public async Task A_permit_is_usable_for_the_grace_after_it_is_handed_out()
    {
        var clock = new TestClock();
        using var gate = new LocalIdentifyGate(maxConcurrency: 1, clock, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300));

        var permit = await gate.AcquireAsync(0, null, default);

        Assert.Equal(clock.GetUtcNow(), permit.SlotAt);
        Assert.Equal(permit.SlotAt + TimeSpan.FromMilliseconds(300), permit.UseBy);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalIdentifyGate(0, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalIdentifyGate(1, TimeProvider.System, grace: TimeSpan.Zero));
        using var gate = new LocalIdentifyGate(1, TimeProvider.System);
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.AcquireAsync(-1, null, default).AsTask().GetAwaiter().GetResult());
    }
}
