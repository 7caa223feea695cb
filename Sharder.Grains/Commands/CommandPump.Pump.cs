using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Commands;

/// <summary>The connection loop: connect, BLPOP, deliver or put back, reconnect with backoff.</summary>
internal sealed partial class CommandPump
{
    private static readonly ReadOnlyMemory<byte> _blpop = "BLPOP"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _lpush = "LPUSH"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> _rpush = "RPUSH"u8.ToArray();

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
                connection = await RespConnection.ConnectAsync(_endpoint, _options.ConnectTimeout, _timeProvider, stopping)
                    .ConfigureAwait(false);
                long clientId = (await connection.ExecuteAsync(["CLIENT", "ID"], _options.ResponseTimeout, stopping).ConfigureAwait(false))
                    .ThrowIfError().Integer;
                await FlushPendingWritesAsync(connection).ConfigureAwait(false);
                CommandPumpLog.Connected(_logger, _endpoint, clientId);
                failedAttempts = 0;
                await ServeAsync(connection, clientId, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failedAttempts++;
                var delay = ReconnectDelay(failedAttempts);
                CommandPumpLog.ConnectionFailed(_logger, _endpoint, failedAttempts, delay, exception);
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

    private async Task ServeAsync(RespConnection connection, long clientId, CancellationToken stopping)
    {
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            var (version, keys, blockTimeout) = TakeKeySnapshot();
            if (keys.Count == 0)
            {
                await WaitForHostedChangeAsync(stopping).ConfigureAwait(false);
                continue;
            }

            _listening = new ListeningState(version, clientId);
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

            await HandleCommandAsync(connection, reply.Items[0].Bytes, reply.Items[1].Bytes, stopping).ConfigureAwait(false);
        }
    }

    private async Task HandleCommandAsync(
        RespConnection connection, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> payload, CancellationToken stopping)
    {
        if (_keys.TryParseShard(key.Span, out int shardId))
        {
            await DeliverOrReturnAsync(connection, shardId, payload, stopping).ConfigureAwait(false);
            return;
        }

        if (!key.Span.SequenceEqual(_keys.GuildRoutedBytes.Span))
        {
            throw new InvalidDataException($"BLPOP returned an element of {Encoding.UTF8.GetString(key.Span)}, which it was not asked for.");
        }

        int shardCount;
        lock (_gate)
        {
            shardCount = _shardCount;
        }

        if (!CommandRouting.TryReadGuildId(payload.Span, out ulong guildId))
        {
            CommandPumpLog.UnroutableCommandDropped(_logger, payload.Length, _keys.GuildRouted);
            return;
        }

        int target = CommandRouting.ShardForGuild(guildId, shardCount);
        if (IsHosted(target))
        {
            await DeliverOrReturnAsync(connection, target, payload, stopping).ConfigureAwait(false);
            return;
        }

        var targetKey = _keys.ForShard(target);
        await WriteAsync(connection, new PendingWrite(ToHead: false, targetKey, payload)).ConfigureAwait(false);
        CommandPumpLog.CommandForwarded(_logger, target, targetKey);
    }

    private async Task DeliverOrReturnAsync(RespConnection connection, int shardId, ReadOnlyMemory<byte> payload, CancellationToken stopping)
    {
        var key = _keys.ForShard(shardId);
        if (!IsHosted(shardId))
        {
            await WriteAsync(connection, new PendingWrite(ToHead: true, key, payload)).ConfigureAwait(false);
            CommandPumpLog.CommandReturned(_logger, shardId, key);
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
            await _deliver(shardId, payload, linked.Token).ConfigureAwait(false);
            return;
        }
        catch (Exception exception)
        {
            CommandPumpLog.DeliveryFailed(_logger, shardId, key, exception);
        }

        Suspend(shardId);
        await WriteAsync(connection, new PendingWrite(ToHead: true, key, payload)).ConfigureAwait(false);
    }

    /// <summary>Queues the write, then performs every queued write; a failure keeps them for the next connection.</summary>
    private async Task WriteAsync(RespConnection connection, PendingWrite write)
    {
        _pendingWrites.Add(write);
        await FlushPendingWritesAsync(connection).ConfigureAwait(false);
    }

    private async Task FlushPendingWritesAsync(RespConnection connection)
    {
        while (_pendingWrites.Count > 0)
        {
            var write = _pendingWrites[0];
            ReadOnlyMemory<byte>[] command = [write.ToHead ? _lpush : _rpush, Encoding.UTF8.GetBytes(write.Key), write.Payload];

            // Not cancelled by stop: a command already popped must get back into Redis.
            (await connection.ExecuteAsync(command, _options.ResponseTimeout, CancellationToken.None).ConfigureAwait(false)).ThrowIfError();
            _pendingWrites.RemoveAt(0);
        }
    }

    private async Task FlushPendingWritesOnStopAsync()
    {
        if (_pendingWrites.Count == 0)
        {
            return;
        }

        try
        {
            using var connection = await RespConnection.ConnectAsync(_endpoint, _options.ConnectTimeout, _timeProvider, CancellationToken.None)
                .ConfigureAwait(false);
            await FlushPendingWritesAsync(connection).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            CommandPumpLog.PendingCommandsLost(_logger, _pendingWrites.Count, exception);
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

    private TimeSpan ReconnectDelay(int failedAttempts)
    {
        double factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.ReconnectBaseDelay.Ticks * factor, _options.ReconnectMaxDelay.Ticks));
        return delay;
    }

    private static ReadOnlyMemory<byte>[] BlpopCommand(List<ReadOnlyMemory<byte>> keys, TimeSpan blockTimeout)
    {
        var command = new ReadOnlyMemory<byte>[keys.Count + 2];
        command[0] = _blpop;
        keys.CopyTo(command, 1);
        command[^1] = Encoding.ASCII.GetBytes(blockTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return command;
    }

    /// <summary>An LPUSH (back to the head) or RPUSH (forward to another shard) still to be done.</summary>
    private readonly record struct PendingWrite(bool ToHead, string Key, ReadOnlyMemory<byte> Payload);
}
