using System.Text.Json;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Resharding;

namespace Sharder.Grains.Tests.Resharding;

/// <summary>The markers a run's end pushes to the workers (docs/resharding.md), field by field.</summary>
public sealed class ReshardMarkersTests
{
    private static readonly DateTimeOffset Cutover = new(2026, 12, 5, 9, 0, 3, 250, TimeSpan.Zero);

    private static readonly ReshardRun Run = new(
        "run1", 2, 3, ReshardState.Switching, Cutover.AddMinutes(-1), Cutover, TimeSpan.FromSeconds(1), null, "test");

    [Fact]
    public void Resharded_lists_each_old_shards_last_sequence_and_each_new_shards_first()
    {
        var oldLast = new Dictionary<int, long> { [1] = 77, [0] = -1 };
        var newProgress = new Dictionary<int, ShardReshardProgress>
        {
            [0] = new(new ShardRef(0, 3), true, 0, 12, 40, 5, 2),
            [2] = new(new ShardRef(2, 3), true, 0, 3, 9, 0, 0),
        };

        using var marker = JsonDocument.Parse(ReshardMarkers.Resharded(Run, oldLast, newProgress));
        var root = marker.RootElement;

        Assert.Equal("resharded", root.GetProperty("marker").GetString());
        Assert.Equal("run1", root.GetProperty("run").GetString());
        Assert.Equal((2, 3), (root.GetProperty("from").GetInt32(), root.GetProperty("to").GetInt32()));
        Assert.Equal("2026-12-05T09:00:03.2500000+00:00", root.GetProperty("cutover").GetString());
        Assert.Equal(Cutover.ToUnixTimeMilliseconds(), root.GetProperty("cutover_ms").GetInt64());
        Assert.Equal(1000, root.GetProperty("window_ms").GetInt64());
        Assert.Equal(
            ["0:-1", "1:77"],
            root.GetProperty("old").EnumerateArray().Select(e => $"{e.GetProperty("shard").GetInt32()}:{e.GetProperty("last_seq").GetInt64()}"));
        Assert.Equal(
            ["0:12", "1:-1", "2:3"],
            root.GetProperty("new").EnumerateArray().Select(e => $"{e.GetProperty("shard").GetInt32()}:{e.GetProperty("first_seq").GetInt64()}"));
    }

    [Fact]
    public void Rolled_back_names_the_run_and_why()
    {
        using var marker = JsonDocument.Parse(ReshardMarkers.RolledBack(Run, "cancelled by DELETE /admin/reshard"));
        var root = marker.RootElement;

        Assert.Equal("reshard_rolled_back", root.GetProperty("marker").GetString());
        Assert.Equal("run1", root.GetProperty("run").GetString());
        Assert.Equal((2, 3), (root.GetProperty("from").GetInt32(), root.GetProperty("to").GetInt32()));
        Assert.Equal("cancelled by DELETE /admin/reshard", root.GetProperty("reason").GetString());
        Assert.Equal(5, root.EnumerateObject().Count());
    }
}
