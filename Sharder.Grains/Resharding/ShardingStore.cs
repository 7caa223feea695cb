using System.Globalization;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Sink;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Sharder.Grains.Resharding;

/// <summary>
/// The generation in service and the resharding run, in the hash <c>{prefix}:sharding</c> (prefix:
/// <c>Redis:Output:KeyPrefix</c>), so every silo and a supervisor reactivated anywhere read the same. The
/// first read writes the configured total (and keeps it as the base generation, whose keys stay
/// unqualified); later reads return what is stored, which wins over configuration after a run.
/// </summary>
internal sealed class ShardingStore
{
    /// <summary>The hash, relative to the key prefix.</summary>
    public const string Key = "sharding";

    private const string TotalField = "total";
    private const string BaseTotalField = "base_total";
    private const string ConfiguredField = "configured";
    private const string StateField = "state";
    private const string RunIdField = "run";
    private const string FromField = "from";
    private const string ToField = "to";
    private const string StartedAtField = "started_at";
    private const string CutoverField = "cutover";
    private const string WindowField = "window_ms";
    private const string EndedAtField = "ended_at";
    private const string ReasonField = "reason";

    private readonly IDatabase _database;

    public ShardingStore(IConnectionMultiplexer redis, RedisOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _database = redis.GetDatabase().WithKeyPrefix($"{options.KeyPrefix}:");
    }

    /// <summary>Reads the record, writing <paramref name="configuredTotal"/> as the total in service (and the base) if none is stored.</summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task<ShardingRecord> LoadAsync(int configuredTotal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(configuredTotal, 1);
        try
        {
            var fields = await _database.HashGetAllAsync(Key).ConfigureAwait(false);
            if (!fields.Any(static field => field.Name == TotalField))
            {
                // First read of this bot's record: written from configuration, unless another silo did it meanwhile.
                var batch = _database.CreateBatch();
                var total = batch.HashSetAsync(Key, TotalField, configuredTotal, When.NotExists);
                var baseTotal = batch.HashSetAsync(Key, BaseTotalField, configuredTotal, When.NotExists);
                var configured = batch.HashSetAsync(Key, ConfiguredField, configuredTotal, When.NotExists);
                var all = batch.HashGetAllAsync(Key);
                batch.Execute();
                await Task.WhenAll(total, baseTotal, configured).ConfigureAwait(false);
                fields = await all.ConfigureAwait(false);
            }

            return Parse(fields.ToDictionary(), configuredTotal);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException($"Redis could not be reached for {Key}.", exception);
        }
    }

    /// <summary>Stores the run (and, when <paramref name="totalInService"/> is set, the new total in service) in one write.</summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task SaveAsync(ReshardRun run, int? totalInService = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var fields = new List<HashEntry>
        {
            new(RunIdField, run.RunId),
            new(StateField, ToText(run.State)),
            new(FromField, run.From),
            new(ToField, run.To),
            new(StartedAtField, run.StartedAt.ToUnixTimeMilliseconds()),
            new(CutoverField, run.Cutover?.ToUnixTimeMilliseconds() ?? (RedisValue)string.Empty),
            new(WindowField, (long)run.Window.TotalMilliseconds),
            new(EndedAtField, run.EndedAt?.ToUnixTimeMilliseconds() ?? (RedisValue)string.Empty),
            new(ReasonField, run.Reason),
        };
        if (totalInService is { } total)
        {
            fields.Add(new HashEntry(TotalField, total));
        }

        try
        {
            await _database.HashSetAsync(Key, [.. fields]).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException($"Redis could not be reached for {Key}.", exception);
        }
    }

    /// <summary>Remembers the configured total the stored one was last compared with (a configuration change starts a run once).</summary>
    /// <exception cref="RedisUnavailableException">Redis could not be reached.</exception>
    public async Task NoteConfiguredTotalAsync(int configuredTotal)
    {
        try
        {
            await _database.HashSetAsync(Key, ConfiguredField, configuredTotal).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisFailures.IsUnavailable(exception))
        {
            throw new RedisUnavailableException($"Redis could not be reached for {Key}.", exception);
        }
    }

    /// <summary>The run state as stored and shown: <c>starting</c>, <c>identifying</c>, …, <c>rolled_back</c>.</summary>
    public static string ToText(ReshardState state) => state switch
    {
        ReshardState.Starting => "starting",
        ReshardState.Identifying => "identifying",
        ReshardState.Ready => "ready",
        ReshardState.Switching => "switching",
        ReshardState.Completed => "completed",
        _ => "rolled_back",
    };

    private static ReshardState ParseState(string? text) => text switch
    {
        "starting" => ReshardState.Starting,
        "identifying" => ReshardState.Identifying,
        "ready" => ReshardState.Ready,
        "switching" => ReshardState.Switching,
        "completed" => ReshardState.Completed,
        _ => ReshardState.RolledBack,
    };

    private static ShardingRecord Parse(Dictionary<RedisValue, RedisValue> fields, int configuredTotal)
    {
        int total = Int(fields, TotalField) ?? configuredTotal;
        int baseTotal = Int(fields, BaseTotalField) ?? total;
        ReshardRun? run = null;
        if (fields.TryGetValue(RunIdField, out var runId) && !runId.IsNullOrEmpty)
        {
            run = new ReshardRun(
                runId!,
                Int(fields, FromField) ?? total,
                Int(fields, ToField) ?? total,
                ParseState(fields.TryGetValue(StateField, out var state) ? (string?)state : null),
                Time(fields, StartedAtField) ?? DateTimeOffset.UnixEpoch,
                Time(fields, CutoverField),
                TimeSpan.FromMilliseconds(Long(fields, WindowField) ?? 0),
                Time(fields, EndedAtField),
                fields.TryGetValue(ReasonField, out var reason) ? (string?)reason ?? string.Empty : string.Empty);
        }

        return new ShardingRecord(total, baseTotal, run) { LastConfiguredTotal = Int(fields, ConfiguredField) ?? configuredTotal };
    }

    private static long? Long(Dictionary<RedisValue, RedisValue> fields, string name)
        => fields.TryGetValue(name, out var value) && !value.IsNullOrEmpty
            && long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static int? Int(Dictionary<RedisValue, RedisValue> fields, string name) => Long(fields, name) is { } value ? (int)value : null;

    private static DateTimeOffset? Time(Dictionary<RedisValue, RedisValue> fields, string name)
        => Long(fields, name) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
