using System.Globalization;
using StackExchange.Redis;

namespace Sharder.Client.Sharding;

/// <summary>
/// Reads the fields of <c>{prefix}:sharding</c> as the silo writes them (<c>total</c>, <c>base_total</c>, <c>run</c>,
/// <c>state</c>, <c>from</c>, <c>to</c>, <c>cutover</c>, ...) and decides which generations a worker consumes. The
/// record is input from outside the worker: every field it uses is checked, and anything the silo would not write
/// fails with a <see cref="ShardingRecordFormatException"/> naming the key and field. Unknown fields are ignored.
/// Pure: no I/O.
/// </summary>
internal static class ShardingRecordParser
{
    /// <summary>The largest total accepted: the silo's own limit for a run's total, far above any bot's.</summary>
    public const int MaxTotal = ushort.MaxValue;

    private const int MaxQuotedLength = 40;

    /// <summary>The snapshot of a record; the fields are what HGETALL returned (not empty).</summary>
    /// <param name="key">The record's full key, for messages.</param>
    /// <param name="prefix">The key prefix, which the generations name their lists with.</param>
    /// <param name="entries">The hash's fields.</param>
    /// <exception cref="ShardingRecordFormatException">A field is missing, malformed, or contradicts another.</exception>
    public static ShardingSnapshot Parse(string key, string prefix, IReadOnlyCollection<HashEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var fields = new Dictionary<string, string>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            fields[(string?)entry.Name ?? string.Empty] = (string?)entry.Value ?? string.Empty;
        }

        int total = Total(key, fields, "total") ?? throw Malformed(key, "has no field 'total' (the shard total in service)");
        int baseTotal = Total(key, fields, "base_total") ?? total;
        var run = Run(key, fields);
        var generations = new List<ShardGeneration>(2) { new(total, baseTotal, GenerationUse.InService, prefix) };
        if (run is not null)
        {
            // The silo writes the new total together with the state "completed", so the total in service is the run's
            // old one until then, and after a rollback.
            int expected = run.State == ReshardRunState.Completed ? run.To : run.From;
            if (total != expected)
            {
                throw Malformed(key, string.Create(
                    CultureInfo.InvariantCulture,
                    $"has total {total} but a run from {run.From} to {run.To} in state {Text(run.State)}, which leaves {expected} in service"));
            }

            int other = total == run.From ? run.To : run.From;
            generations.Add(new ShardGeneration(other, baseTotal, run.IsActive ? GenerationUse.Incoming : GenerationUse.Draining, prefix));
        }

        return new ShardingSnapshot(total, baseTotal, run, generations);
    }

    /// <summary>The state as stored: <c>starting</c>, ..., <c>rolled_back</c>.</summary>
    public static string Text(ReshardRunState state) => state switch
    {
        ReshardRunState.Starting => "starting",
        ReshardRunState.Identifying => "identifying",
        ReshardRunState.Ready => "ready",
        ReshardRunState.Switching => "switching",
        ReshardRunState.Completed => "completed",
        _ => "rolled_back",
    };

    private static ReshardRunSummary? Run(string key, Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("run", out var runId) || runId.Length == 0)
        {
            return null;
        }

        int from = Total(key, fields, "from") ?? throw Malformed(key, "has a run but no field 'from'");
        int to = Total(key, fields, "to") ?? throw Malformed(key, "has a run but no field 'to'");
        if (from == to)
        {
            throw Malformed(key, string.Create(CultureInfo.InvariantCulture, $"has a run from {from} to the same total"));
        }

        if (!fields.TryGetValue("state", out var stateText))
        {
            throw Malformed(key, "has a run but no field 'state'");
        }

        var state = stateText switch
        {
            "starting" => ReshardRunState.Starting,
            "identifying" => ReshardRunState.Identifying,
            "ready" => ReshardRunState.Ready,
            "switching" => ReshardRunState.Switching,
            "completed" => ReshardRunState.Completed,
            "rolled_back" => ReshardRunState.RolledBack,
            _ => throw Malformed(key, $"field 'state' is {Quote(stateText)}; expected starting, identifying, ready, switching, completed or rolled_back"),
        };

        DateTimeOffset? cutover = null;
        if (fields.TryGetValue("cutover", out var cutoverText) && cutoverText.Length > 0)
        {
            if (!long.TryParse(cutoverText, NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
                || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                throw Malformed(key, $"field 'cutover' is {Quote(cutoverText)}; expected Unix milliseconds or nothing");
            }

            cutover = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return new ReshardRunSummary(runId, from, to, state, cutover);
    }

    private static int? Total(string key, Dictionary<string, string> fields, string name)
    {
        if (!fields.TryGetValue(name, out var text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int total) || total is < 1 or > MaxTotal)
        {
            throw Malformed(key, string.Create(
                CultureInfo.InvariantCulture,
                $"field '{name}' is {Quote(text)}; expected a shard total, a whole number from 1 to {MaxTotal}"));
        }

        return total;
    }

    private static string Quote(string text)
        => text.Length <= MaxQuotedLength ? $"'{text}'" : $"'{text[..MaxQuotedLength]}...' ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)";

    private static ShardingRecordFormatException Malformed(string key, string what)
        => new($"The sharding record {key} {what}. It is written by the Sharder silo (docs/resharding.md); check Redis:Output:KeyPrefix and what else writes that key.");
}
