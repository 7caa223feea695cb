using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Tests.Resharding;

public sealed class ShardingRecordTests
{
    private static ReshardRun Run(int from, int to, ReshardState state)
        => new("r1", from, to, state, DateTimeOffset.UnixEpoch, null, TimeSpan.FromSeconds(2), null, "test");

    [Fact]
    public void Outside_a_run_only_the_generation_in_service_is_live()
    {
        var record = new ShardingRecord(4, 4, null);

        Assert.Equal(GenerationRole.Sole, record.RoleOf(4));
        Assert.Null(record.RoleOf(8));
    }

    [Fact]
    public void During_a_run_both_generations_are_live_with_their_roles()
    {
        var record = new ShardingRecord(4, 4, Run(4, 8, ReshardState.Identifying));

        Assert.Equal(GenerationRole.Old, record.RoleOf(4));
        Assert.Equal(GenerationRole.New, record.RoleOf(8));
        Assert.Null(record.RoleOf(16));
    }

    [Fact]
    public void After_a_run_the_old_generation_is_not_live()
    {
        Assert.Null(new ShardingRecord(8, 4, Run(4, 8, ReshardState.Completed)).RoleOf(4));
        Assert.Null(new ShardingRecord(4, 4, Run(4, 8, ReshardState.RolledBack)).RoleOf(8));
        Assert.Equal(GenerationRole.Sole, new ShardingRecord(4, 4, Run(4, 8, ReshardState.RolledBack)).RoleOf(4));
    }

    [Fact]
    public void Only_the_first_generation_keeps_unqualified_keys()
    {
        var record = new ShardingRecord(8, 4, null);

        Assert.Equal(0, record.KeyTotalOf(4));
        Assert.Equal(8, record.KeyTotalOf(8));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 8)]
    [InlineData(65_535, 65_536)]
    public void A_shard_ref_round_trips_through_its_grain_key(int id, int total)
        => Assert.Equal(new ShardRef(id, total), ShardRef.FromGrainKey(new ShardRef(id, total).GrainKey));

    [Theory]
    [InlineData(0L)]
    [InlineData(3L)]
    [InlineData((4L << 32) | 4)]
    public void A_grain_key_without_a_valid_total_names_no_shard(long key)
        => Assert.Throws<ArgumentOutOfRangeException>(() => ShardRef.FromGrainKey(key));
}
