using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class EventUidSourceTests
{
    [Fact]
    public void Uids_are_snowflakes_of_the_current_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var uids = new EventUidSource(time);

        long uid = uids.Next();

        Assert.True(uid > 0);
        Assert.True(Snowflake.TimestampOf((ulong)uid) >= time.GetUtcNow());
    }

    [Fact]
    public void Uids_increase_strictly_across_instances_and_threads()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sources = new[] { new EventUidSource(time), new EventUidSource(time), new EventUidSource() };
        var perThread = new List<long>[6];

        Parallel.For(0, perThread.Length, thread =>
        {
            var list = new List<long>(20_000);
            for (int i = 0; i < 20_000; i++)
            {
                list.Add(sources[thread % sources.Length].Next());
            }

            perThread[thread] = list;
        });

        var all = perThread.SelectMany(l => l).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(perThread, list => Assert.True(list.Zip(list.Skip(1)).All(pair => pair.Second > pair.First)));
        Assert.All(all, uid => Assert.True(uid > 0));
    }

    [Fact]
    public void Clock_before_the_discord_epoch_still_yields_positive_unique_uids()
    {
        var uids = new EventUidSource(new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        long first = uids.Next();
        long second = uids.Next();

        Assert.True(first > 0);
        Assert.True(second > first);
    }
}
