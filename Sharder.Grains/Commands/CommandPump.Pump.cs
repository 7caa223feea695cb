using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Gateway.RateLimiting;

namespace Sharder.Grains.Commands;

/// <summary>The connection loop: connect, BLPOP, deliver or put back, reconnect with backoff.</summary>
internal sealed partial class CommandPump
{
    private static readonly ReadOnlyMemory<byte> _blpop = "BLPOP"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _lpush = "LPUSH"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _rpush = "RPUSH"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _ltrim = "LTRIM"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _lpop = "LPOP"u8.ToArray();

    /// <summary>
    /// Commands taken from a list per BLPOP: the first by BLPOP, the rest by one LPOP with a count (Redis 6.2).
    /// A flood of bad commands then costs one round trip per hundred, not three per command.
    /// </summary>
    internal const int PopBatchSize = 100;

    private static readonly ReadOnlyMemory<byte> _popMore = Encoding.ASCII.GetBytes((PopBatchSize - 1).ToString(CultureInfo.InvariantCulture));

    // Commands popped but neither delivered nor written back yet; only the pump loop (or stop) touches it.
    private readonly List<PendingWrite> _pendingWrites = [];
    private int _rotation;

    private async Task PumpAsync(CancellationToken stopping)
    {
        int failedAttempts = 0;
        while (!stopping.IsCancellationRequested)
        {
            RespConnection? connection = null;
            try
            {
                (connection, var node) = await OpenNodeConnectionAsync(stopping).ConfigureAwait(false);
                long clientId = (await connection.ExecuteAsync(["CLIENT", "ID"], _options.ResponseTimeout, stopping).ConfigureAwait(false))
                    .ThrowIfError().Integer;
                await FlushPendingWritesAsync(connection).ConfigureAwait(false);
                CommandPumpLog.Connected(_logger, node, clientId);
                failedAttempts = 0;
                await ServeAsync(connection, clientId, node, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // No jitter: there is one pump per silo, nothing to spread out.
                var delay = ReconnectBackoff.Exponential(_options.ReconnectBaseDelay, _options.ReconnectMaxDelay, failedAttempts++);
                CommandPumpLog.ConnectionFailed(_logger, CurrentEndpoint, failedAttempts, delay, exception);
                try
                {
                    await Task.Delay(delay, _timeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                _listening = null;
                connection?.Dispose();
            }
        }
    }

    private async Task ServeAsync(RespConnection connection, long clientId, RespEndpoint node, CancellationToken stopping)
    {
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            await FlushPendingWritesAsync(connection).ConfigureAwait(false);
            var (version, keys, blockTimeout) = TakeKeySnapshot();
            if (keys.Count == 0)
            {
                await WaitForHostedChangeAsync(stopping).ConfigureAwait(false);
                continue;
            }

            _listening = new ListeningState(version, clientId, node);
            if (HostedVersion != version)
            {
                // Changed since the snapshot; the unblocker may already have given up on this BLPOP.
                _listening = null;
                continue;
            }

            var reply = await connection.ExecuteAsync(BlpopCommand(keys, blockTimeout), blockTimeout + _options.ResponseTimeout, stopping)
                .ConfigureAwait(false);
            _listening = null;
            reply.ThrowIfError();
            if (reply.IsNil)
            {
                continue;
            }

            if (reply.Kind != RespReplyKind.Array || reply.Items.Count != 2)
            {
                throw new InvalidDataException($"BLPOP answered {reply} instead of [key, element].");
            }

            var key = reply.Items[0].Bytes;
            var batch = new List<ReadOnlyMemory<byte>>(PopBatchSize) { reply.Items[1].Bytes };
            // Not cancelled by stop: what LPOP takes must be handled or put back.
            var more = (await connection.ExecuteAsync(
                [_lpop, key, _popMore], _options.ResponseTimeout, CancellationToken.None).ConfigureAwait(false)).ThrowIfError();
            if (more.Kind == RespReplyKind.Array)
            {
                batch.AddRange(more.Items.Select(static i => i.Bytes));
            }

            await HandleBatchAsync(connection, key, batch).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Handles commands popped together from one list, in order. The Redis writes that follow (forwards, dead
    /// letters in one push, put-backs) are queued together before any is performed, so a connection lost
    /// meanwhile loses none of them. When a shard cannot take one of its own list's commands, that one and
    /// every later one of the batch go back to the head of the list, in order.
    /// </summary>
    private async Task HandleBatchAsync(RespConnection connection, ReadOnlyMemory<byte> key, List<ReadOnlyMemory<byte>> batch)
    {
        bool fromShardList = _keys.TryParseShard(key.Span, out int listShard);
        if (!fromShardList && !key.Span.SequenceEqual(_keys.GuildRoutedBytes.Span))
        {
            throw new InvalidDataException($"BLPOP returned an element of {Encoding.UTF8.GetString(key.Span)}, which it was not asked for.");
        }

        var forwards = new List<PendingWrite>();
        var deadEntries = new List<ReadOnlyMemory<byte>>();
        int keptFrom = batch.Count;
        for (int i = 0; i < batch.Count; i++)
        {
            if (!HandleCommand(fromShardList, listShard, batch[i], forwards, deadEntries))
            {
                keptFrom = i;
                break;
            }
        }

        var writes = forwards;
        writes.AddRange(DeadLetterWrites(deadEntries, done: null));
        if (keptFrom < batch.Count)
        {
            var push = new ReadOnlyMemory<byte>[batch.Count - keptFrom + 2];
            push[0] = _lpush;
            push[1] = key;
            for (int i = keptFrom; i < batch.Count; i++)
            {
                // LPUSH puts each value at the head in turn: the last argument ends up first.
                push[^(i - keptFrom + 1)] = batch[i];
            }

            writes.Add(new PendingWrite(push, null));
        }

        await WriteAsync(connection, writes).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides what one popped command is and hands it on; a forward to another shard's list is added to
    /// <paramref name="forwards"/>, a rejected command to <paramref name="deadEntries"/>. False when its shard
    /// could not take a command of its own list: the caller puts it back.
    /// </summary>
    private bool HandleCommand(
        bool fromShardList, int listShard, ReadOnlyMemory<byte> payload, List<PendingWrite> forwards, List<ReadOnlyMemory<byte>> deadEntries)
    {
        var decision = Decide(fromShardList, listShard, payload);
        if (decision.Reason is { } reason)
        {
            _instruments?.OnCommandRejected(reason);
            deadEntries.Add(DeadLetterEntry(reason, decision.Detail, decision.List, decision.ShardId, payload));
            return true;
        }

        int target = decision.ShardId!.Value;
        if (!fromShardList && !IsHosted(target))
        {
            var targetKey = _keys.ForShard(target);
            forwards.Add(Push(_rpush, targetKey, payload));
            CommandPumpLog.CommandForwarded(_logger, target, targetKey);
            return true;
        }

        return HandOff(target, payload, fromShardList, forwards, deadEntries);
    }

    /// <summary>
    /// Validates and routes one command. Pure but for reading the hosted shards; any exception rejects this
    /// command only (<see cref="CommandRejectReason.ReadFailed"/>), so one command cannot drop the connection.
    /// </summary>
    private Decision Decide(bool fromShardList, int listShard, ReadOnlyMemory<byte> payload)
    {
        string list = fromShardList ? _keys.ForShard(listShard) : _keys.GuildRouted;
        int? shard = fromShardList ? listShard : null;
        try
        {
            int shardCount = ShardCount;
            if (fromShardList && shardCount > 0 && listShard >= shardCount)
            {
                return Decision.Reject(CommandRejectReason.UnknownShard, $"the bot has {shardCount} shards", list, shard);
            }

            var verdict = Validator.Validate(payload.Span);
            if (verdict.Reason is { } reason)
            {
                return Decision.Reject(reason, verdict.Detail, list, shard);
            }

            if (fromShardList)
            {
                return new Decision(null, verdict.Detail, list, listShard);
            }

            if (!CommandRouting.TryReadGuildId(payload.Span, out ulong guildId))
            {
                return Decision.Reject(CommandRejectReason.NoGuildId, "a guild-routed command needs d.guild_id (a snowflake)", list, null);
            }

            return new Decision(null, verdict.Detail, list, CommandRouting.ShardForGuild(guildId, shardCount));
        }
#pragma warning disable CA1031 // One unreadable command is rejected; it must not take the pump's connection down.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Decision.Reject(CommandRejectReason.ReadFailed, $"reading it threw {exception.GetType().Name}", list, shard);
        }
    }

    /// <summary>
    /// Queues the command on its shard without waiting. One the shard cannot take now pauses only that shard's
    /// list; it goes back to the tail of that list when it came from the guild-routed list, or (false) the
    /// caller puts it back at the head of the shard's own list. Other shards carry on.
    /// </summary>
    private bool HandOff(
        int shardId, ReadOnlyMemory<byte> payload, bool fromShardList, List<PendingWrite> forwards, List<ReadOnlyMemory<byte>> deadEntries)
    {
        var key = _keys.ForShard(shardId);
        CommandEnqueueResult result;
        if (!IsHosted(shardId))
        {
            result = CommandEnqueueResult.Stopped;
        }
        else if (!fromShardList && IsSuspended(shardId))
        {
            // Behind a guild-routed command already sent to the paused shard's list: keep their order.
            forwards.Add(Push(_rpush, key, payload));
            return true;
        }
        else
        {
            try
            {
                result = _enqueue(shardId, payload);
            }
#pragma warning disable CA1031 // A throwing shard counts as one that cannot take the command now.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                CommandPumpLog.EnqueueFailed(_logger, shardId, exception);
                result = CommandEnqueueResult.Stopped;
            }
        }

        switch (result)
        {
            case CommandEnqueueResult.Enqueued:
                _instruments?.OnCommandAccepted();
                return true;
            case CommandEnqueueResult.FatallyClosed:
                deadEntries.Add(DeadLetterEntry(CommandRejectReason.ShardFatallyClosed, "the shard closed for good", key, shardId, payload));
                return true;
            case CommandEnqueueResult.Invalid:
                deadEntries.Add(DeadLetterEntry(CommandRejectReason.TooLarge, "over the shard's Gateway:MaxCommandBytes", key, shardId, payload));
                return true;
            default:
                Suspend(shardId);
                CommandPumpLog.CommandReturned(_logger, shardId, key, result);
                if (fromShardList)
                {
                    return false;
                }

                forwards.Add(Push(_rpush, key, payload));
                return true;
        }
    }

    /// <summary>
    /// The writes that dead-letter <paramref name="payloads"/> for one reason (see <see cref="DeadLetterEntry"/>).
    /// </summary>
    private List<PendingWrite> DeadLetterWrites(
        CommandRejectReason reason, string detail, string list, int? shardId, IReadOnlyList<ReadOnlyMemory<byte>> payloads, TaskCompletionSource<bool>? done)
        => DeadLetterWrites([.. payloads.Select(p => DeadLetterEntry(reason, detail, list, shardId, p))], done);

    /// <summary>One RPUSH of the entries, then the LTRIM that bounds the list; none when there are no entries.</summary>
    private List<PendingWrite> DeadLetterWrites(List<ReadOnlyMemory<byte>> entries, TaskCompletionSource<bool>? done)
    {
        var writes = new List<PendingWrite>(2);
        if (entries.Count == 0)
        {
            done?.TrySetResult(true);
            return writes;
        }

        var push = new ReadOnlyMemory<byte>[entries.Count + 2];
        push[0] = _rpush;
        push[1] = Encoding.UTF8.GetBytes(_keys.DeadLetters);
        entries.CopyTo(push, 2);
        if (_options.DeadLetterMaxLength > 0)
        {
            writes.Add(new PendingWrite(push, null));
            string keep = (-_options.DeadLetterMaxLength).ToString(CultureInfo.InvariantCulture);
            writes.Add(new PendingWrite([_ltrim, push[1], Encoding.ASCII.GetBytes(keep), "-1"u8.ToArray()], done));
        }
        else
        {
            writes.Add(new PendingWrite(push, done));
        }

        return writes;
    }

    /// <summary>One dead-letter entry (<see cref="DeadLetter"/>); counted and logged (at most one line per reason per second).</summary>
    private byte[] DeadLetterEntry(CommandRejectReason reason, string detail, string list, int? shardId, ReadOnlyMemory<byte> payload)
    {
        _instruments?.OnCommandDeadLettered(reason);
        if (_logLimiter.TryTake(reason, out int suppressed))
        {
            CommandPumpLog.CommandDeadLettered(_logger, reason, detail, payload.Length, list, shardId, _keys.DeadLetters, suppressed);
        }

        return new DeadLetter(reason, detail, list, shardId, _timeProvider.GetUtcNow()).ToJson(payload.Span);
    }

    private static PendingWrite Push(ReadOnlyMemory<byte> verb, string key, ReadOnlyMemory<byte> payload)
        => new([verb, Encoding.UTF8.GetBytes(key), payload], null);

    /// <summary>Queues the writes, then performs every queued write; a failure keeps them for the next connection.</summary>
    private async Task WriteAsync(RespConnection connection, IEnumerable<PendingWrite> writes)
    {
        _pendingWrites.AddRange(writes);
        await FlushPendingWritesAsync(connection).ConfigureAwait(false);
    }

    /// <summary>Moves the writes shards asked for into the pump's own queue (only the pump loop and stop call this).</summary>
    private void TakeExternalWrites()
    {
        while (_externalWrites.TryDequeue(out var write))
        {
            _pendingWrites.Add(write);
        }
    }

    private async Task FlushPendingWritesAsync(RespConnection connection)
    {
        TakeExternalWrites();
        while (_pendingWrites.Count > 0)
        {
            var write = _pendingWrites[0];

            // Not cancelled by stop: a command already popped must get back into Redis.
            (await connection.ExecuteAsync(write.Command, _options.ResponseTimeout, CancellationToken.None).ConfigureAwait(false)).ThrowIfError();
            _pendingWrites.RemoveAt(0);
            write.Done?.TrySetResult(true);
        }
    }

    private async Task FlushPendingWritesOnStopAsync()
    {
        TakeExternalWrites();
        if (_pendingWrites.Count == 0)
        {
            return;
        }

        try
        {
            using var connection = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await FlushPendingWritesAsync(connection).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            CommandPumpLog.PendingCommandsLost(_logger, _pendingWrites.Count, exception);
            foreach (var write in _pendingWrites)
            {
                write.Done?.TrySetResult(false);
            }

            _pendingWrites.Clear();
        }
    }

    private async Task WaitForHostedChangeAsync(CancellationToken stopping)
    {
        await _hostedChanged.Reader.WaitToReadAsync(stopping).ConfigureAwait(false);
        _hostedChanged.Reader.TryRead(out _);
    }

    /// <summary>
    /// The lists to BLPOP now: hosted shards that are not suspended and the guild-routed list, in a rotating
    /// order so a busy list cannot starve the others (BLPOP pops from the first non-empty key). The timeout
    /// is cut short to end with the earliest suspension.
    /// </summary>
    private (long Version, List<ReadOnlyMemory<byte>> Keys, TimeSpan BlockTimeout) TakeKeySnapshot()
    {
        lock (_gate)
        {
            long now = _timeProvider.GetTimestamp();
            var blockTimeout = _options.BlockTimeout;
            var keys = new List<ReadOnlyMemory<byte>>(_hostedKeys.Count + 1);
            foreach (var (shardId, key) in _hostedKeys)
            {
                if (_suspendedUntil.TryGetValue(shardId, out long until))
                {
                    var remaining = _timeProvider.GetElapsedTime(now, until);
                    if (remaining > TimeSpan.Zero)
                    {
                        blockTimeout = remaining < blockTimeout ? remaining : blockTimeout;
                        continue;
                    }

                    _suspendedUntil.Remove(shardId);
                }

                keys.Add(key);
            }

            if (_hostedKeys.Count > 0)
            {
                keys.Add(_keys.GuildRoutedBytes);
            }

            if (keys.Count > 1)
            {
                int first = (int)(unchecked((uint)_rotation++) % (uint)keys.Count);
                keys = [.. keys[first..], .. keys[..first]];
            }

            var minimum = CommandPumpOptionsValidator.MinBlockTimeout;
            return (_version, keys, blockTimeout < minimum ? minimum : blockTimeout);
        }
    }

    private int ShardCount
    {
        get
        {
            lock (_gate)
            {
                return _shardCount;
            }
        }
    }

    private bool IsSuspended(int shardId)
    {
        lock (_gate)
        {
            return _suspendedUntil.TryGetValue(shardId, out long until) && _timeProvider.GetTimestamp() < until;
        }
    }

    private bool IsHosted(int shardId)
    {
        lock (_gate)
        {
            return _hostedKeys.ContainsKey(shardId);
        }
    }

    private void Suspend(int shardId)
    {
        lock (_gate)
        {
            if (_hostedKeys.ContainsKey(shardId))
            {
                long delayTicks = (long)(_options.RedeliveryDelay.TotalSeconds * _timeProvider.TimestampFrequency);
                _suspendedUntil[shardId] = _timeProvider.GetTimestamp() + delayTicks;
            }
        }
    }

    private static ReadOnlyMemory<byte>[] BlpopCommand(List<ReadOnlyMemory<byte>> keys, TimeSpan blockTimeout)
    {
        var command = new ReadOnlyMemory<byte>[keys.Count + 2];
        command[0] = _blpop;
        keys.CopyTo(command, 1);
        command[^1] = Encoding.ASCII.GetBytes(blockTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return command;
    }

    /// <summary>A Redis write still to be done (LPUSH back, RPUSH forward, a dead letter); <paramref name="Done"/> learns the outcome.</summary>
    private readonly record struct PendingWrite(ReadOnlyMemory<byte>[] Command, TaskCompletionSource<bool>? Done);

    /// <summary>Where one command goes: rejected with <paramref name="Reason"/>, or to <paramref name="ShardId"/>.</summary>
    private readonly record struct Decision(CommandRejectReason? Reason, string Detail, string List, int? ShardId)
    {
        public static Decision Reject(CommandRejectReason reason, string detail, string list, int? shardId) => new(reason, detail, list, shardId);
    }
}
