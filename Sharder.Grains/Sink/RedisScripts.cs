namespace Sharder.Grains.Sink;

/// <summary>
/// The Lua scripts of the event output. Each runs atomically in Redis, which is what makes a push and
/// its checkpoint one step: after a crash either both happened or neither did.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Pushes a batch and advances the checkpoint. Refuses a stale epoch ({1, current epoch}). Checks every
    /// event list first and writes nothing when one holds something other than a list ({3, KEYS index, its
    /// type}): a Lua error half-way would keep the writes before it. When the checkpoint does not describe
    /// this writer's session start (it vanished, holds another session or another start of the same id, or
    /// stands below the position the writer says it reached), the writer takes it over from its own
    /// position and a resynced marker states both positions. Then pushes every event whose sequence is
    /// above the checkpoint's (none recorded: any sequence, 0 included), trims lists to the bound, and
    /// returns {0, pushed, new seq (-1 none), resynced 0/1, then per list pushed: KEYS index, length, trimmed}.
    /// KEYS[1] checkpoint hash, KEYS[2..ARGV[8]-1] event lists, KEYS[ARGV[8]..] marker lists.
    /// ARGV[1] epoch, ARGV[2] session, ARGV[3] resume URL ('' keeps the stored one), ARGV[4] highest
    /// sequence in the batch (filtered events included; -1 none), ARGV[5] start id ('' unknown), ARGV[6]
    /// the writer's position in its start ('' unknown, -1 none), ARGV[7] shard id for the resynced marker
    /// ('' for no markers), ARGV[8] index of the first marker list, ARGV[9] list bound (0 none), then per event to push:
    /// sequence, index into KEYS, payload.
    /// </summary>
    public const string PublishText = """
        local checkpoint = KEYS[1]
        local state = redis.call('HMGET', checkpoint, 'epoch', 'session', 'seq', 'start')
        local fence = tonumber(state[1] or '0')
        if tonumber(ARGV[1]) < fence then
          return {1, fence}
        end
        local firstMarker = tonumber(ARGV[8])
        for i = 2, firstMarker - 1 do
          local kind = redis.call('TYPE', KEYS[i]).ok
          if kind ~= 'list' and kind ~= 'none' then
            return {3, i, kind}
          end
        end
        local session = ARGV[2]
        local start = ARGV[5]
        local position = tonumber(ARGV[6])
        local stored = state[2]
        local storedSeq = tonumber(state[3] or '-1')
        local resync = false
        if not state[1] then
          resync = true
        elseif not stored then
          resync = position ~= nil and position >= 0
        elseif stored ~= session then
          resync = true
        elseif start ~= '' and state[4] and state[4] ~= start then
          resync = true
        elseif position ~= nil and storedSeq < position then
          resync = true
        end
        local last = storedSeq
        if resync then
          last = position or -1
          if ARGV[7] ~= '' then
            local json = '{"shard":' .. ARGV[7] .. ',"marker":"resynced","session":' .. cjson.encode(session) .. ',"seq":' .. (position and position >= 0 and ARGV[6] or 'null')
              .. ',"checkpoint_session":' .. (stored and cjson.encode(stored) or 'null')
              .. ',"checkpoint_seq":' .. (state[3] or 'null') .. '}'
            for i = firstMarker, #KEYS do
              local kind = redis.call('TYPE', KEYS[i]).ok
              if kind == 'list' or kind == 'none' then
                redis.call('RPUSH', KEYS[i], json)
              end
            end
          end
          if start == '' then
            redis.call('HDEL', checkpoint, 'start')
          end
          redis.call('HDEL', checkpoint, 'marker')
        end
        local lastText = state[3] or '-1'
        if resync then
          lastText = position and ARGV[6] or '-1'
        end
        local lists = {}
        local order = {}
        local pushed = 0
        for i = 10, #ARGV, 3 do
          local seq = tonumber(ARGV[i])
          if seq > last then
            local index = tonumber(ARGV[i + 1])
            local values = lists[index]
            if not values then
              values = {}
              lists[index] = values
              order[#order + 1] = index
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
        local bound = tonumber(ARGV[9])
        local reply = {0, pushed, last, resync and 1 or 0}
        for _, index in ipairs(order) do
          local key = KEYS[index]
          local values = lists[index]
          local length = 0
          for first = 1, #values, 1000 do
            length = redis.call('RPUSH', key, unpack(values, first, math.min(first + 999, #values)))
          end
          local trimmed = 0
          if bound > 0 and length > bound then
            trimmed = length - bound
            redis.call('LTRIM', key, trimmed, -1)
            length = bound
          end
          reply[#reply + 1] = index
          reply[#reply + 1] = length
          reply[#reply + 1] = trimmed
        end
        redis.call('HSET', checkpoint, 'session', session, 'epoch', ARGV[1])
        if last >= 0 then
          redis.call('HSET', checkpoint, 'seq', lastText)
        else
          redis.call('HDEL', checkpoint, 'seq')
        end
        if start ~= '' then
          redis.call('HSET', checkpoint, 'start', start)
        end
        if ARGV[3] ~= '' then
          redis.call('HSET', checkpoint, 'resume_url', ARGV[3])
        end
        return reply
        """;

    /// <summary>
    /// Records a lifecycle change in the checkpoint and pushes its marker to every marker list that holds a
    /// list (or nothing yet). Refuses a stale epoch ({1, current epoch}).
    /// A reidentified marker starts a new session start: the checkpoint gets the session and start id and no
    /// sequence (any sequence is accepted next, 0 included), and the marker reports the checkpoint's previous
    /// session and seq; repeating it for the same start id (a retry) changes nothing, while a new start with
    /// a session id used before resets the checkpoint all the same.
    /// A resumed marker reports the checkpoint's seq and is pushed once per (session, seq). When the
    /// checkpoint vanished, holds another session or stands below the position the shard says it reached,
    /// the shard takes it over at that position and a resynced marker, stating both positions, comes first.
    /// Returns {0, marker pushed 0/1, the start id ('' unknown), the checkpoint's seq (-1 none), resynced 0/1}.
    /// KEYS[1] checkpoint hash, KEYS[2..] marker lists.
    /// ARGV[1] epoch, ARGV[2] 'resumed' or 'reidentified', ARGV[3] session, ARGV[4] sequence sent in RESUME,
    /// ARGV[5] resume URL ('' for none), ARGV[6] marker JSON opening ('' to push nothing), ARGV[7] start id
    /// (reidentified), ARGV[8] resynced marker opening ('' for none), ARGV[9] the shard's position in the
    /// session ('' unknown).
    /// </summary>
    public const string MarkerText = """
        local checkpoint = KEYS[1]
        local state = redis.call('HMGET', checkpoint, 'epoch', 'session', 'seq', 'marker', 'start')
        local fence = tonumber(state[1] or '0')
        if tonumber(ARGV[1]) < fence then
          return {1, fence}
        end
        local function push(json)
          for i = 2, #KEYS do
            local kind = redis.call('TYPE', KEYS[i]).ok
            if kind == 'list' or kind == 'none' then
              redis.call('RPUSH', KEYS[i], json)
            end
          end
        end
        local session = ARGV[3]
        local stored = state[2]
        if ARGV[2] == 'reidentified' then
          local start = ARGV[7]
          if stored == session and state[5] == start then
            redis.call('HSET', checkpoint, 'epoch', ARGV[1])
            return {0, 0, start, tonumber(state[3] or '-1'), 0}
          end
          redis.call('HDEL', checkpoint, 'seq', 'marker')
          redis.call('HSET', checkpoint, 'session', session, 'start', start, 'epoch', ARGV[1])
          if ARGV[5] ~= '' then
            redis.call('HSET', checkpoint, 'resume_url', ARGV[5])
          else
            redis.call('HDEL', checkpoint, 'resume_url')
          end
          if not stored or ARGV[6] == '' then
            return {0, 0, start, -1, 0}
          end
          push(ARGV[6] .. ',"previous_session":' .. cjson.encode(stored) .. ',"previous_seq":' .. (state[3] or 'null') .. '}')
          return {0, 1, start, -1, 0}
        end
        local seq = state[3]
        local start = state[5] or ''
        local position = tonumber(ARGV[9])
        local resynced = 0
        if not stored or stored ~= session or (position ~= nil and tonumber(seq or '-1') < position) then
          resynced = 1
          local shardSeq = ARGV[4]
          if position ~= nil then
            shardSeq = ARGV[9]
          end
          if ARGV[8] ~= '' then
            local shown = 'null'
            if tonumber(shardSeq) >= 0 then
              shown = shardSeq
            end
            push(ARGV[8] .. ',"seq":' .. shown .. ',"checkpoint_session":' .. (stored and cjson.encode(stored) or 'null')
              .. ',"checkpoint_seq":' .. (seq or 'null') .. '}')
          end
          seq = shardSeq
          start = ''
          redis.call('HDEL', checkpoint, 'start', 'marker')
        end
        redis.call('HSET', checkpoint, 'session', session, 'epoch', ARGV[1])
        if seq and tonumber(seq) >= 0 then
          redis.call('HSET', checkpoint, 'seq', seq)
        else
          seq = nil
          redis.call('HDEL', checkpoint, 'seq')
        end
        if ARGV[5] ~= '' then
          redis.call('HSET', checkpoint, 'resume_url', ARGV[5])
        end
        local id = session .. ':' .. (seq or '')
        if state[4] == id and resynced == 0 then
          return {0, 0, start, tonumber(seq or '-1'), 0}
        end
        redis.call('HSET', checkpoint, 'marker', id)
        if ARGV[6] == '' then
          return {0, 0, start, tonumber(seq or '-1'), resynced}
        end
        push(ARGV[6] .. ',"seq":' .. (seq or 'null') .. '}')
        return {0, 1, start, tonumber(seq or '-1'), resynced}
        """;

    /// <summary>
    /// Appends dead-letter entries to the events dead list, unless a stale epoch ({1, current epoch}) or
    /// the dead list holding something other than a list ({3, 2, its type}). Returns {0, appended}.
    /// KEYS[1] checkpoint hash, KEYS[2] dead list. ARGV[1] epoch, ARGV[2..] entries.
    /// </summary>
    public const string DeadLetterText = """
        local fence = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
        if tonumber(ARGV[1]) < fence then
          return {1, fence}
        end
        local kind = redis.call('TYPE', KEYS[2]).ok
        if kind ~= 'list' and kind ~= 'none' then
          return {3, 2, kind}
        end
        for i = 2, #ARGV do
          redis.call('RPUSH', KEYS[2], ARGV[i])
        end
        return {0, #ARGV - 1}
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

    /// <summary>
    /// Retires a shard's checkpoint after resharding (KEYS[1] the checkpoint, ARGV[1] its lifetime in ms): the
    /// session and position go, the epoch is raised like an activation's so any activation still running is
    /// fenced, and the fence expires after ARGV[1].
    /// </summary>
    public const string RetireCheckpointText = """
        local stored = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        redis.call('HDEL', KEYS[1], 'session', 'seq', 'start', 'resume_url', 'marker')
        redis.call('HSET', KEYS[1], 'epoch', string.format('%.0f', math.max(stored + 1, now)))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>Status codes in the first element of every script reply.</summary>
    public const long Ok = 0;

    /// <inheritdoc cref="Ok"/>
    public const long StaleEpoch = 1;

    // 2 was "session mismatch": a checkpoint of another session is now re-synced, never refused.

    /// <inheritdoc cref="Ok"/>
    public const long NotAList = 3;

    public static RedisScript Publish { get; } = new(PublishText);

    public static RedisScript Marker { get; } = new(MarkerText);

    public static RedisScript AcquireEpoch { get; } = new(AcquireEpochText);

    public static RedisScript RetireCheckpoint { get; } = new(RetireCheckpointText);

    public static RedisScript DeadLetter { get; } = new(DeadLetterText);
}
