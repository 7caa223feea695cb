using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.World;

public sealed class SimWorldTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Same_seed_builds_the_same_world()
    {
        var first = new SimWorld(new WorldOptions { GuildCount = 50, Seed = 7 }, new FakeTimeProvider(s_now));
        var second = new SimWorld(new WorldOptions { GuildCount = 50, Seed = 7 }, new FakeTimeProvider(s_now));

        Assert.Equal(first.Guilds.Select(Describe), second.Guilds.Select(Describe));
    }

    [Fact]
    public void Different_seeds_build_different_worlds()
    {
        var first = new SimWorld(new WorldOptions { GuildCount = 50, Seed = 7 }, new FakeTimeProvider(s_now));
        var second = new SimWorld(new WorldOptions { GuildCount = 50, Seed = 8 }, new FakeTimeProvider(s_now));

        Assert.NotEqual(first.Guilds.Select(Describe), second.Guilds.Select(Describe));
    }

    [Fact]
    public void Guild_ids_are_unique_snowflakes_created_after_the_first_guild_time()
    {
        var options = new WorldOptions { GuildCount = 500 };
        var world = new SimWorld(options, new FakeTimeProvider(s_now));

        Assert.Equal(500, world.Guilds.Select(g => g.Id).Distinct().Count());
        Assert.All(world.Guilds, g =>
        {
            Assert.True(g.CreatedAt >= options.FirstGuildCreatedAt, $"{g} created {g.CreatedAt:O}");
            Assert.True(g.CreatedAt < s_now, $"{g} created in the future");
            Assert.True(g.JoinedAt > g.CreatedAt, $"{g} joined before it existed");
            Assert.NotEqual(0UL, g.Id >> 22);
        });
    }

    [Fact]
    public void GuildsForShard_partitions_the_guilds()
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 200 }, new FakeTimeProvider(s_now));

        var perShard = Enumerable.Range(0, 6).Select(shard => world.GuildsForShard(shard, 6).ToList()).ToList();

        Assert.Equal(200, perShard.Sum(s => s.Count));
        Assert.Equal(world.Guilds.Select(g => g.Id).Order(), perShard.SelectMany(s => s).Select(g => g.Id).Order());
        for (int shard = 0; shard < 6; shard++)
        {
            Assert.All(perShard[shard], g => Assert.Equal(shard, Snowflake.ShardFor(g.Id, 6)));
            Assert.Equal(perShard[shard].Count, world.CountGuildsForShard(shard, 6));
        }
    }

    [Fact]
    public void AddGuild_and_RemoveGuild_swap_snapshots_without_touching_old_ones()
    {
        var time = new FakeTimeProvider(s_now);
        var world = new SimWorld(new WorldOptions { GuildCount = 3 }, time);
        var before = world.Guilds;

        var added = world.AddGuild(name: "Joined Later", guildCreateBytes: 5000, memberCount: 40);

        Assert.Equal(3, before.Count);
        Assert.Equal(4, world.Guilds.Count);
        Assert.True(world.TryGetGuild(added.Id, out var found));
        Assert.Same(added, found);
        Assert.Equal("Joined Later", added.Name);
        Assert.Equal(40, added.MemberCount);
        Assert.Equal(s_now, added.JoinedAt);
        Assert.True(added.CreatedAt > before.Max(g => g.CreatedAt));

        Assert.True(world.RemoveGuild(before[1].Id));
        Assert.False(world.RemoveGuild(before[1].Id));
        Assert.False(world.TryGetGuild(before[1].Id, out _));
        Assert.Equal([before[0].Id, before[2].Id, added.Id], world.Guilds.Select(g => g.Id));
    }

    [Theory]
    [InlineData(0, 1000, null, 1)]
    [InlineData(1, 1000, null, 1)]
    [InlineData(1000, 1000, null, 1)]
    [InlineData(1001, 1000, null, 2)]
    [InlineData(2500, 1000, null, 3)]
    [InlineData(2500, 1000, 16, 16)]
    [InlineData(17000, 1000, 16, 32)]
    [InlineData(10, 3, null, 4)]
    public void RecommendedShards_is_ceiling_rounded_to_the_required_multiple(int guilds, int perShard, int? multiple, int expected)
    {
        var world = new SimWorld(new WorldOptions { GuildCount = guilds, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() }, new FakeTimeProvider(s_now));

        Assert.Equal(expected, world.RecommendedShards(perShard, multiple));
    }

    [Fact]
    public void HugeGuildBytes_gives_the_first_guild_that_size()
    {
        var mix = GuildCreateSizeMix.SmallOnly();
        mix.HugeGuildBytes = 32 * 1024 * 1024;
        var world = new SimWorld(new WorldOptions { GuildCount = 5, GuildCreateSizeMix = mix }, new FakeTimeProvider(s_now));

        var huge = world.Guilds[0];
        Assert.InRange(huge.GuildCreateBytes, 30 * 1024 * 1024, 34 * 1024 * 1024);
        Assert.True(huge.MemberCount <= 75_000, huge.ToString());
        Assert.All(world.Guilds.Skip(1), g => Assert.InRange(g.GuildCreateBytes, 1, 25 * 1024));
    }

    [Fact]
    public void Size_mix_yields_mostly_small_and_some_large_guilds()
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 400 }, new FakeTimeProvider(s_now));

        int large = world.Guilds.Count(g => g.GuildCreateBytes >= 1024 * 1024);
        int small = world.Guilds.Count(g => g.GuildCreateBytes <= 24 * 1024);

        Assert.Equal(400, large + small);
        Assert.InRange(large, 8, 36);
        Assert.All(world.Guilds.Where(g => g.GuildCreateBytes >= 1024 * 1024), g => Assert.True(g.MemberCount > 250, g.ToString()));
    }

    [Fact]
    public void UnavailableFraction_marks_that_share_of_guilds_unavailable()
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 400, UnavailableFraction = 0.25, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() }, new FakeTimeProvider(s_now));

        Assert.InRange(world.Guilds.Count(g => g.Unavailable), 70, 130);
    }

    [Fact]
    public void Invalid_options_are_rejected_with_the_property_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new SimWorld(new WorldOptions { BotUserId = "not-a-snowflake" }, new FakeTimeProvider(s_now)));
        Assert.Contains("BotUserId", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimWorld(new WorldOptions { GuildCount = -1 }, new FakeTimeProvider(s_now)));
    }

    [Fact]
    public void Member_zero_is_the_bot_and_other_members_have_distinct_ids()
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 3 }, new FakeTimeProvider(s_now));
        var guild = world.Guilds[0];

        Assert.Equal(world.BotUserSnowflake, world.MemberUserId(guild.Id, 0));
        Assert.Equal(world.BotUsername, world.MemberUsername(0));
        var ids = Enumerable.Range(1, 5000).Select(i => world.MemberUserId(guild.Id, i)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(world.MemberUserId(world.Guilds[1].Id, 1), ids);
    }

    private static string Describe(SimGuild guild) => $"{guild.Id}|{guild.Name}|{guild.MemberCount}|{guild.ChannelCount}|{guild.GuildCreateBytes}";
}
