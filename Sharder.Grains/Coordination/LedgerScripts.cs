namespace Sharder.Grains.Coordination;

/// <summary>
/// The Lua scripts of the shared identify ledger, a Redis hash with a <c>version</c> and the ledger's
/// JSON <c>state</c>. Every change is read, decided and then written only if the version is still the
/// one read (compare-and-set), so coordinators of several clusters are just clients of one ledger: two
/// of them cannot both take the same slot or spend the same session start.
/// </summary>
internal static class LedgerScripts
{
    /// <summary>
    /// Reads the ledger and the server's clock together. Returns {version, state ('' when none),
    /// seconds, microseconds}; a missing version reads as '0', one that is not a plain number (not written
    /// by a coordinator) as '-1', which the write script accepts the same way. KEYS[1] the ledger hash.
    /// </summary>
    public const string ReadText = """
        local stored = redis.call('HMGET', KEYS[1], 'version', 'state')
        local version = stored[1] or '0'
        if not string.match(version, '^%d+$') or #version > 15 then
          version = '-1'
        end
        local now = redis.call('TIME')
        return {version, stored[2] or '', now[1], now[2]}
        """;

    /// <summary>
    /// Writes the ledger if its version is still ARGV[1]; the version becomes ARGV[1] + 1. Returns 1 when
    /// written, 0 when another coordinator wrote first (nothing changed). KEYS[1] the ledger hash,
    /// ARGV[1] the version read, ARGV[2] the new state.
    /// </summary>
    public const string WriteText = """
        local version = redis.call('HGET', KEYS[1], 'version') or '0'
        if not string.match(version, '^%d+$') or #version > 15 then
          version = '-1'
        end
        if version ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'version', tostring(tonumber(ARGV[1]) + 1), 'state', ARGV[2])
        return 1
        """;
}
