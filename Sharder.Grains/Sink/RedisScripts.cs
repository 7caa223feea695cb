namespace Sharder.Grains.Sink;

/// <summary>
/// The Lua scripts of the event output. Each runs atomically in Redis, which is what makes a push and
/// its checkpoint one step: after a crash either both happened or neither did.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Pushes a batch and advances the checkpoint. Refuses a stale epoch ({1, current epoch}) and a session
    /// other than the checkpoint's ({2, session, seq}); otherwise pushes every event whose sequence is above
    /// the checkpoint, in order, and returns {0, pushed, new seq}.
    /// KEYS[1] checkpoint hash, KEYS[2..] event lists.
    /// ARGV[1] epoch, ARGV[2] session, ARGV[3] resume URL ('' keeps the stored one), ARGV[4] highest sequence
    /// in the batch (filtered events included), then per event to push: sequence, index into KEYS, payload.
    /// </summary>
    public const string PublishText = """
        local checkpoint = KEYS[1]
        local state = redis.call('HMGET', checkpoint, 'epoch', 'session', 'seq')
        local fence = tonumber(state[1] or '0')
        if tonumber(ARGV[1]) < fence then
          return {1, fence}
        end
        local session = ARGV[2]
        local lastText = state[3] or '0'
        if state[2] and state[2] ~= session then
          return {2, state[2], tonumber(lastText)}
        end
        local last = tonumber(lastText)
        local lists = {}
        local order = {}
        local pushed = 0
        for i = 5, #ARGV, 3 do
          local seq = tonumber(ARGV[i])
          if seq > last then
            local key = KEYS[tonumber(ARGV[i + 1])]
            local values = lists[key]
            if not values then
              values = {}
              lists[key] = values
              order[#order + 1] = key
            end
            values[#values + 1] = ARGV[i + 2]
            last = seq
            lastText = ARGV[i]
            pushed = pushed + 1
          end
        end
        if tonumber(ARGV[4]) > last then
          last = tonumber(ARGV[4])
          lastText = ARGV[4]
        end
        for _, key in ipairs(order) do
          local values = lists[key]
          for first = 1, #values, 1000 do
            redis.call('RPUSH', key, unpack(values, first, math.min(first + 999, #values)))
          end
        end
        redis.call('HSET', checkpoint, 'session', session, 'seq', lastText, 'epoch', ARGV[1])
        if ARGV[3] ~= '' then
          redis.call('HSET', checkpoint, 'resume_url', ARGV[3])
        end
        return {0, pushed, last}
        """;

    /// <summary>
    /// Records a lifecycle change in the checkpoint and pushes its marker to every marker list. Same refusals
    /// as <see cref="PublishText"/>. A reidentified marker resets the checkpoint to the new session at seq 0
    /// and reports the checkpoint's previous session and seq; repeating it for the same session changes
    /// nothing. A resumed marker reports the checkpoint's seq and is pushed once per (session, seq).
    /// Returns {0, 1} when a marker was pushed, {0, 0} when not.
    /// KEYS[1] checkpoint hash, KEYS[2..] marker lists.
    /// ARGV[1] epoch, ARGV[2] 'resumed' or 'reidentified', ARGV[3] session, ARGV[4] sequence sent in RESUME,
    /// ARGV[5] resume URL ('' for none), ARGV[6] marker JSON opening ('' to push nothing).
    /// </summary>
    public const string MarkerText = """
        local checkpoint = KEYS[1]
        local state = redis.call('HMGET', checkpoint, 'epoch', 'session', 'seq', 'marker')
        local fence = tonumber(state[1] or '0')
        if tonumber(ARGV[1]) < fence then
          return {1, fence}
        end
        local session = ARGV[3]
        local stored = state[2]
        local storedSeq = state[3] or '0'
        local tail
        if ARGV[2] == 'reidentified' then
          if stored == session then
            redis.call('HSET', checkpoint, 'epoch', ARGV[1])
            return {0, 0}
          end
          redis.call('HSET', checkpoint, 'session', session, 'seq', '0', 'epoch', ARGV[1])
          if ARGV[5] ~= '' then
            redis.call('HSET', checkpoint, 'resume_url', ARGV[5])
          else
            redis.call('HDEL', checkpoint, 'resume_url')
          end
          if not stored then
            return {0, 0}
          end
          tail = ',"previous_session":' .. cjson.encode(stored) .. ',"previous_seq":' .. storedSeq .. '}'
        else
          if stored and stored ~= session then
            return {2, stored, tonumber(storedSeq)}
          end
          local seq = storedSeq
          if not stored then
            seq = ARGV[4]
          end
          redis.call('HSET', checkpoint, 'session', session, 'seq', seq, 'epoch', ARGV[1])
          if ARGV[5] ~= '' then
            redis.call('HSET', checkpoint, 'resume_url', ARGV[5])
          end
          local id = session .. ':' .. seq
          if state[4] == id then
            return {0, 0}
          end
          redis.call('HSET', checkpoint, 'marker', id)
          tail = ',"seq":' .. seq .. '}'
        end
        if ARGV[6] == '' then
          return {0, 0}
        end
        local json = ARGV[6] .. tail
        for i = 2, #KEYS do
          redis.call('RPUSH', KEYS[i], json)
        end
        return {0, 1}
        """;

    /// <summary>
    /// Stamps a new activation: the epoch becomes the larger of the stored epoch + 1 and Redis's clock in
    /// microseconds, and is returned. The clock part keeps epochs increasing when Redis lost the checkpoint
    /// (restart without persistence, failover to a lagging replica): a counter would start again at 1 and
    /// hand a new activation a lower epoch than a stale one still running. One clock (Redis's), so silo
    /// clock skew does not matter. '%.0f' because Lua prints large numbers in exponent form.
    /// KEYS[1] checkpoint hash.
    /// </summary>
    public const string AcquireEpochText = """
        local stored = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        local epoch = math.max(stored + 1, now)
        redis.call('HSET', KEYS[1], 'epoch', string.format('%.0f', epoch))
        return epoch
        """;

    /// <summary>Status codes in the first element of every script reply.</summary>
    public const long Ok = 0;

    /// <inheritdoc cref="Ok"/>
    public const long StaleEpoch = 1;

    /// <inheritdoc cref="Ok"/>
    public const long SessionMismatch = 2;

    public static RedisScript Publish { get; } = new(PublishText);

    public static RedisScript Marker { get; } = new(MarkerText);

    public static RedisScript AcquireEpoch { get; } = new(AcquireEpochText);
}
