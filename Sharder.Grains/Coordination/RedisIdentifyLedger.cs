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

    /// <summary>Reads the ledger and Redis's clock.</summary>
    /// <exception cref="RedisException">Redis could not be reached or refused the script.</exception>
    /// <exception cref="JsonException">The stored ledger is not one this version can read.</exception>
    public async Task<LedgerSnapshot> ReadAsync()
    {
        var result = (RedisResult[])(await _read.EvaluateAsync(_redis.GetDatabase(), _keys, []).ConfigureAwait(false))!;
        var version = long.Parse((string)result[0]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var stateBytes = (byte[]?)result[1];
        var state = stateBytes is { Length: > 0 }
            ? JsonSerializer.Deserialize(stateBytes, LedgerJsonContext.Default.IdentifyLedgerState)
            : null;
        var seconds = long.Parse((string)result[2]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var microseconds = long.Parse((string)result[3]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var now = DateTimeOffset.FromUnixTimeSeconds(seconds) + TimeSpan.FromMicroseconds(microseconds);
        return new LedgerSnapshot(state, version, now);
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
