using System.Globalization;
using System.Text.Json;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Resharding;

/// <summary>The markers a run's end pushes into the event lists (docs/resharding.md), as JSON text.</summary>
internal static class ReshardMarkers
{
    /// <summary>
    /// <c>resharded</c>: the old generation's last published sequence per shard (-1: none, or it did not answer)
    /// and the new generation's first (-1: none yet), with T and W.
    /// </summary>
    public static string Resharded(ReshardRun run, IReadOnlyDictionary<int, long> oldLast, IReadOnlyDictionary<int, ShardReshardProgress> newProgress)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(oldLast);
        ArgumentNullException.ThrowIfNull(newProgress);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["marker"] = "resharded",
            ["run"] = run.RunId,
            ["from"] = run.From,
            ["to"] = run.To,
            ["cutover"] = run.Cutover?.ToString("O", CultureInfo.InvariantCulture),
            ["cutover_ms"] = run.Cutover?.ToUnixTimeMilliseconds(),
            ["window_ms"] = (long)run.Window.TotalMilliseconds,
            ["old"] = oldLast.OrderBy(p => p.Key).Select(p => new Dictionary<string, long> { ["shard"] = p.Key, ["last_seq"] = p.Value }).ToArray(),
            ["new"] = Enumerable.Range(0, run.To)
                .Select(id => new Dictionary<string, long>
                {
                    ["shard"] = id,
                    ["first_seq"] = newProgress.TryGetValue(id, out var p) ? p.FirstPublishedSequence : -1,
                })
                .ToArray(),
        });
    }

    /// <summary><c>reshard_rolled_back</c>: the run and why it was abandoned.</summary>
    public static string RolledBack(ReshardRun run, string why)
    {
        ArgumentNullException.ThrowIfNull(run);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["marker"] = "reshard_rolled_back",
            ["run"] = run.RunId,
            ["from"] = run.From,
            ["to"] = run.To,
            ["reason"] = why,
        });
    }
}
