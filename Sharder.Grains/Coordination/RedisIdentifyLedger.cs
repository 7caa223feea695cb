using System.Globalization;
using System.Text.Json;
using Sharder.Grains.Sink;
using StackExchange.Redis;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The identify ledger of one bot in Redis, under <c>{prefix}:identify:{application id}</c> (see
/// <see cref="BotLedgerId"/>), shared by the coordinators of every cluster of the bot. Read with the
/// server's clock; written with a compare-and-set on its version (<see cref="LedgerScripts"/>).
/// </summary>
internal sealed class RedisIdentifyLedger
{
    private static readonly RedisScript _read = new(LedgerScripts.ReadText);
    private static readonly RedisScript _write = new(LedgerScripts.WriteText);

    // Far above anything Discord hands out; bounds what a forged ledger can make the coordinator allocate.
    private const int MaxPlausibleConcurrency = 65_536;
    private const int MaxPlausiblePending = 1_000_000;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey[] _keys;

    /// <param name="redis">The silo's shared multiplexer.</param>
    /// <param name="key">The ledger's key.</param>
    public RedisIdentifyLedger(IConnectionMultiplexer redis, string key)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _redis = redis;
        Key = key;
        _keys = [key];
    }

    /// <summary>The ledger's Redis key.</summary>
    public string Key { get; }

    /// <summary>The key for a bot: <c>{prefix}:identify:{application id}</c>.</summary>
    public static string KeyFor(string prefix, string token) => $"{prefix}:identify:{BotLedgerId.FromToken(token)}";

    /// <summary>
    /// Reads the ledger and Redis's clock. A stored ledger that cannot be read or makes no sense (written
    /// by something else: anyone who can write Redis) is reported and read as none, so the coordinator
    /// asks Discord for the budget again instead of stalling every shard; the next write replaces it.
    /// </summary>
    /// <param name="unreadable">Called with the reason when the stored ledger was set aside.</param>
    /// <exception cref="RedisException">Redis could not be reached or refused the script.</exception>
    public async Task<LedgerSnapshot> ReadAsync(Action<string>? unreadable = null)
    {
        var result = (RedisResult[])(await _read.EvaluateAsync(_redis.GetDatabase(), _keys, []).ConfigureAwait(false))!;
        var version = long.Parse((string)result[0]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (version < 0)
        {
            unreadable?.Invoke("its version is not a number");
        }

        var state = Parse((byte[]?)result[1], out var problem);
        if (problem is not null)
        {
            unreadable?.Invoke(problem);
        }

        var seconds = long.Parse((string)result[2]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var microseconds = long.Parse((string)result[3]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var now = DateTimeOffset.FromUnixTimeSeconds(seconds) + TimeSpan.FromMicroseconds(microseconds);
        return new LedgerSnapshot(state, version, now);
    }

    private static IdentifyLedgerState? Parse(byte[]? stored, out string? problem)
    {
        problem = null;
        if (stored is not { Length: > 0 })
        {
            return null;
        }

        IdentifyLedgerState? state;
        try
        {
            state = JsonSerializer.Deserialize(stored, LedgerJsonContext.Default.IdentifyLedgerState);
        }
        catch (JsonException ex)
        {
            problem = $"not a ledger ({ex.Message})";
            return null;
        }

        problem = state is null ? "null" : Implausible(state);
        return problem is null ? state : null;
    }

    /// <summary>Why a parsed ledger cannot be one this coordinator wrote, or null when it can.</summary>
    private static string? Implausible(IdentifyLedgerState state)
    {
        if (state.Total < 0 || state.Remaining < 0 || state.Remaining > state.Total)
        {
            return $"remaining {state.Remaining} of total {state.Total}";
        }

        if (state.MaxConcurrency is < 0 or > MaxPlausibleConcurrency || state.LastSlotByKey is null
            || state.LastSlotByKey.Count > Math.Max(state.MaxConcurrency, 1))
        {
            return $"max_concurrency {state.MaxConcurrency} with {state.LastSlotByKey?.Count} keys";
        }

        return state.Pending is null || state.Pending.Count > MaxPlausiblePending ? "pending grants missing or too many" : null;
    }

    /// <summary>Writes <paramref name="state"/> if the ledger is still at <paramref name="version"/>.</summary>
    /// <returns>False when another coordinator wrote since that read; nothing was written.</returns>
    public async Task<bool> TryWriteAsync(IdentifyLedgerState state, long version)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = JsonSerializer.SerializeToUtf8Bytes(state, LedgerJsonContext.Default.IdentifyLedgerState);
        var result = await _write.EvaluateAsync(
            _redis.GetDatabase(), _keys, [version.ToString(CultureInfo.InvariantCulture), json]).ConfigureAwait(false);
        return (long)result == 1;
    }
}
