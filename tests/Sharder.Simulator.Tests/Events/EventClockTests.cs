using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

/// <summary>
/// The identities a reshard cut-over reads (snowflake <c>id</c>, <c>edited_timestamp</c>, <c>joined_at</c>)
/// encode the time the simulator produced the event on its own clock, to the millisecond.
/// </summary>
public sealed class EventClockTests
{
    private static readonly TimeSpan[] Steps = [TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(437), TimeSpan.FromMinutes(3)];

    [Fact]
    public void MessageCreate_id_is_a_snowflake_of_the_produce_time()
    {
        var (world, factory, time) = TestWorlds.Create();
        time.Advance(TimeSpan.FromMilliseconds(123.4));
        foreach (var step in Steps)
        {
            time.Advance(step);
            var message = factory.MessageCreate(world.Guilds[1].Id);

            var d = TestWorlds.ParseData(message);
            var id = ulong.Parse(d.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(Ms(time.GetUtcNow()), Ms(message.ProducedAt));
            Assert.Equal(Ms(message.ProducedAt), Ms(Snowflake.TimestampOf(id)));
            Assert.Equal(Ms(message.ProducedAt), Ms(Timestamp(d, "timestamp")));
        }
    }

    [Fact]
    public void MessageUpdate_edited_timestamp_is_the_produce_time_and_the_message_is_older()
    {
        var (world, factory, time) = TestWorlds.Create();
        foreach (var step in Steps)
        {
            time.Advance(step);
            var update = factory.MessageUpdate(world.Guilds[2].Id);

            var d = TestWorlds.ParseData(update);
            var messageId = ulong.Parse(d.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal("MESSAGE_UPDATE", update.Type);
            Assert.Equal(Ms(time.GetUtcNow()), Ms(Timestamp(d, "edited_timestamp")));
            Assert.True(Snowflake.TimestampOf(messageId) < update.ProducedAt, "the edited message was created before the edit");
            Assert.Equal(world.Guilds[2].Id.ToString(CultureInfo.InvariantCulture), d.GetProperty("guild_id").GetString());
            Assert.Equal(string.Empty, TestWorlds.ParseData(update, update.DataWithoutContent!.Value).GetProperty("content").GetString());
        }
    }

    [Fact]
    public void GuildMemberAdd_joined_at_is_the_produce_time()
    {
        var (world, factory, time) = TestWorlds.Create();
        foreach (var step in Steps)
        {
            time.Advance(step);
            var added = factory.GuildMemberAdd(world.Guilds[0].Id);

            var d = TestWorlds.ParseData(added);
            Assert.Equal("GUILD_MEMBER_ADD", added.Type);
            Assert.Equal(Ms(time.GetUtcNow()), Ms(Timestamp(d, "joined_at")));
            Assert.Equal(world.Guilds[0].Id.ToString(CultureInfo.InvariantCulture), d.GetProperty("guild_id").GetString());
        }
    }

    [Fact]
    public void Uid_sources_on_different_clocks_each_encode_their_own_time()
    {
        // A source on a later clock must not drag another source's uids into its future.
        var later = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var now = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 6, 0, 0, 321, TimeSpan.Zero));
        var ahead = new EventUidSource(later);
        var source = new EventUidSource(now);

        long first = ahead.Next();
        long second = source.Next();

        Assert.Equal(Ms(later.GetUtcNow()), Ms(Snowflake.TimestampOf((ulong)first)));
        Assert.Equal(Ms(now.GetUtcNow()), Ms(Snowflake.TimestampOf((ulong)second)));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Thousands_of_uids_in_one_millisecond_keep_that_millisecond()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero));
        var uids = new EventUidSource(time);

        var burst = Enumerable.Range(0, 4_096).Select(_ => uids.Next()).ToList();

        Assert.All(burst, uid => Assert.Equal(Ms(time.GetUtcNow()), Ms(Snowflake.TimestampOf((ulong)uid))));
        Assert.Equal(burst.Count, burst.Distinct().Count());
    }

    [Fact]
    public void Simulator_events_carry_the_simulator_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2029, 2, 3, 4, 5, 6, 789, TimeSpan.Zero));
        var context = new SimulatorContext(new SimulatorOptions { World = new WorldOptions { GuildCount = 4 } }, time);

        var message = context.Events.MessageCreate(context.World.Guilds[0].Id);

        Assert.Equal(Ms(time.GetUtcNow()), Ms(Snowflake.TimestampOf((ulong)message.Uid)));
    }

    private static DateTimeOffset Timestamp(JsonElement d, string property) =>
        DateTimeOffset.Parse(d.GetProperty(property).GetString()!, CultureInfo.InvariantCulture);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
