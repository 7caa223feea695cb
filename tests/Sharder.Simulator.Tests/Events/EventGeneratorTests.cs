using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class EventGeneratorTests
{
    [Theory]
    [InlineData(50)]
    [InlineData(1000)]
    [InlineData(7.5)]
    public async Task Emits_the_configured_count_per_advanced_second(double rate)
    {
        var (world, factory, time) = TestWorlds.Create(guildCount: 20);
        var emitted = new List<SimEvent>();
        await using var generator = new EventGenerator(factory, world, time, emitted.Add);

        generator.Start(rate, new EventMix());
        for (int second = 1; second <= 4; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal((long)Math.Floor(rate * second), emitted.Count);
        }

        Assert.Equal(emitted.Count, generator.EmittedCount);
    }

    [Fact]
    public async Task Spreads_events_over_each_tick_instead_of_one_burst()
    {
        var (world, factory, time) = TestWorlds.Create();
        int emitted = 0;
        await using var generator = new EventGenerator(factory, world, time, _ => emitted++) { TickInterval = TimeSpan.FromMilliseconds(100) };

        generator.Start(100, new EventMix());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(10, emitted);
        time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(10, emitted);
        time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(20, emitted);
    }

    [Fact]
    public async Task Stop_ends_emission_and_Start_restarts_with_a_new_rate()
    {
        var (world, factory, time) = TestWorlds.Create();
        int emitted = 0;
        await using var generator = new EventGenerator(factory, world, time, _ => emitted++);

        generator.Start(20, new EventMix());
        time.Advance(TimeSpan.FromSeconds(1));
        generator.Stop();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(20, emitted);
        Assert.False(generator.IsRunning);

        generator.Start(5, new EventMix { PresenceUpdate = 0, TypingStart = 0 });
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(30, emitted);
    }

    [Fact]
    public async Task Generated_events_follow_the_mix_and_are_routable()
    {
        var (world, factory, time) = TestWorlds.Create(guildCount: 30);
        var emitted = new List<SimEvent>();
        await using var generator = new EventGenerator(factory, world, time, emitted.Add);

        generator.Start(500, new EventMix { MessageCreate = 1, PresenceUpdate = 0, TypingStart = 0 });
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1000, emitted.Count);
        Assert.All(emitted, e => Assert.Equal("MESSAGE_CREATE", e.Type));
        Assert.True(emitted.Select(e => e.GuildId).Distinct().Count() > 20);
        Assert.All(emitted, e => Assert.Contains(world.Guilds, g => g.Id == e.GuildId));
    }

    [Fact]
    public async Task Runs_on_the_real_clock()
    {
        var time = TimeProvider.System;
        var world = new SimWorld(new WorldOptions { GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() }, time);
        var factory = new EventFactory(world, new EventUidSource(), time, seed: 3);
        var received = new ConcurrentQueue<SimEvent>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var generator = new EventGenerator(factory, world, time, e =>
        {
            received.Enqueue(e);
            if (received.Count >= 100)
            {
                enough.TrySetResult();
            }
        });

        generator.Start(2000, new EventMix());
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(10));
        generator.Stop();
        int afterStop = received.Count;

        Assert.True(afterStop >= 100);
        Assert.Equal(afterStop, (int)generator.EmittedCount);
    }

    [Fact]
    public void Rejects_a_factory_of_another_world_and_bad_rates()
    {
        var (world, factory, time) = TestWorlds.Create();
        var (otherWorld, _, _) = TestWorlds.Create();

        Assert.Throws<ArgumentException>(() => new EventGenerator(factory, otherWorld, time, _ => { }));
        var generator = new EventGenerator(factory, world, time, _ => { });
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Start(-1, new EventMix()));
        Assert.Throws<ArgumentException>(() => generator.Start(1, new EventMix { MessageCreate = 0, PresenceUpdate = 0, TypingStart = 0 }));
    }

    [Fact]
    public async Task Dispose_stops_the_timer()
    {
        var (world, factory, time) = TestWorlds.Create();
        int emitted = 0;
        var generator = new EventGenerator(factory, world, time, _ => emitted++);
        generator.Start(10, new EventMix());

        await generator.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(0, emitted);
    }
}
