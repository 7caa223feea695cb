using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.World;

public sealed class SnowflakeTests
{
    [Fact]
    public void Create_packs_timestamp_worker_process_and_increment()
    {
        var timestamp = new DateTimeOffset(2024, 5, 17, 12, 30, 45, 123, TimeSpan.Zero);

        ulong id = Snowflake.Create(timestamp, worker: 17, process: 3, increment: 4000);

        Assert.Equal(timestamp, Snowflake.TimestampOf(id));
        Assert.Equal(17, Snowflake.WorkerOf(id));
        Assert.Equal(3, Snowflake.ProcessOf(id));
        Assert.Equal(4000, Snowflake.IncrementOf(id));
        Assert.Equal((ulong)(timestamp.ToUnixTimeMilliseconds() - Snowflake.DiscordEpochMs), id >> 22);
    }

    [Fact]
    public void Create_matches_a_known_discord_id()
    {
        // Discord's documented example: 175928847299117063 was created 2016-04-30T11:18:25.796Z, worker 1, process 0, increment 7.
        ulong id = Snowflake.Create(DateTimeOffset.Parse("2016-04-30T11:18:25.796Z", System.Globalization.CultureInfo.InvariantCulture), 1, 0, 7);

        Assert.Equal(175928847299117063UL, id);
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(32, 0, 0)]
    [InlineData(0, 32, 0)]
    [InlineData(0, 0, 4096)]
    public void Create_rejects_out_of_range_parts(int worker, int process, int increment)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Snowflake.Create(DateTimeOffset.UtcNow, worker, process, increment));
    }

    [Fact]
    public void Create_rejects_timestamps_before_the_discord_epoch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Snowflake.Create(new DateTimeOffset(2014, 12, 31, 0, 0, 0, TimeSpan.Zero), 0, 0, 0));
    }

    [Theory]
    [InlineData(175928847299117063UL, 1)]
    [InlineData(175928847299117063UL, 7)]
    [InlineData(81384788765712384UL, 16)]
    public void ShardFor_is_timestamp_part_modulo_shard_count(ulong guildId, int numShards)
    {
        Assert.Equal((int)((guildId >> 22) % (ulong)numShards), Snowflake.ShardFor(guildId, numShards));
    }

    [Fact]
    public void ShardFor_rejects_zero_shards()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Snowflake.ShardFor(1UL << 22, 0));
    }

    [Fact]
    public void World_guild_ids_spread_evenly_over_every_shard_count_from_1_to_16()
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 1000, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() }, new FakeTimeProvider());

        for (int numShards = 1; numShards <= 16; numShards++)
        {
            var counts = new int[numShards];
            foreach (var guild in world.Guilds)
            {
                counts[Snowflake.ShardFor(guild.Id, numShards)]++;
            }

            double expected = 1000.0 / numShards;
            double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
            Assert.All(counts, c => Assert.InRange(c, expected * 0.75, expected * 1.25));
            Assert.True(chiSquare < numShards, $"n={numShards}: chi-square {chiSquare:0.00} for counts [{string.Join(", ", counts)}]");
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(48)]
    [InlineData(100)]
    [InlineData(256)]
    public void World_guild_ids_spread_evenly_for_larger_shard_counts(int numShards)
    {
        var world = new SimWorld(new WorldOptions { GuildCount = 1000, GuildCreateSizeMix = GuildCreateSizeMix.SmallOnly() }, new FakeTimeProvider());

        var counts = world.Guilds.GroupBy(g => Snowflake.ShardFor(g.Id, numShards)).Select(g => g.Count()).ToList();

        Assert.Equal(Math.Min(numShards, 1000), counts.Count);
        Assert.True(counts.Max() - counts.Min() <= 1, $"n={numShards}: min {counts.Min()}, max {counts.Max()}");
    }
}
