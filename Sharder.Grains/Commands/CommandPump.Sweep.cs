using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Commands;

/// <summary>
/// The stuck-list sweep, over its own connection: command lists nobody will ever pop are moved to the
/// dead-letter list. A list under <c>{prefix}:to:</c> that names no shard of the bot is moved at once
/// (<see cref="CommandRejectReason.UnknownShard"/>); a shard's list whose first command stayed first for
/// <see cref="CommandPumpOptions.UndeliverableAfter"/> (no silo hosts the shard) is moved whole
/// (<see cref="CommandRejectReason.ShardNotHosted"/>). Lists of shards hosted here are left to the pump.
/// </summary>
internal sealed partial class CommandPump
{
    /// <summary>Most elements one sweep moves, so one flood cannot hold the sweep's connection for long.</summary>
    internal const int SweepMaxElements = 10_000;

    private const int SweepPopCount = 100;

    // Only the sweep task touches it: per shard list, its first element when first seen there, and since when.
    private readonly Dictionary<string, (byte[] Head, long Since)> _listHeads = [];

    private async Task SweepAsync(CancellationToken stopping)
    {
        RespConnection? connection = null;
        try
        {
            while (true)
            {
                await Task.Delay(_options.SweepInterval, _timeProvider, stopping).ConfigureAwait(false);
                try
                {
                    connection ??= await OpenConnectionAsync(stopping).ConfigureAwait(false);
                    await SweepOnceAsync(connection, stopping).ConfigureAwait(false);
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    CommandPumpLog.SweepFailed(_logger, exception);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>One pass over every <c>{prefix}:to:*</c> list.</summary>
    internal async Task SweepOnceAsync(RespConnection connection, CancellationToken stopping)
    {
        int shardCount = ShardCount;
        if (shardCount == 0)
        {
            return;
        }

        var seen = new HashSet<string>();
        int budget = SweepMaxElements;
        foreach (var key in await ScanCommandListsAsync(connection, stopping).ConfigureAwait(false))
        {
            if (budget <= 0)
            {
                break;
            }

            bool known = _keys.TryParseShard(Encoding.UTF8.GetBytes(key), out int shardId);
            if (!known || shardId >= shardCount || key != _keys.ForShard(shardId))
            {
                budget -= await MoveListAsync(
                    connection, key, known ? shardId : null, CommandRejectReason.UnknownShard,
                    $"{key} names no shard of the bot ({shardCount} shards)", budget, stopping).ConfigureAwait(false);
                continue;
            }

            if (IsHosted(shardId))
            {
                continue;
            }

            var head = await connection.ExecuteAsync(["LINDEX", key, "0"], _options.ResponseTimeout, stopping).ConfigureAwait(false);
            head.ThrowIfError();
            if (head.IsNil)
            {
                continue;
            }

            seen.Add(key);
            long now = _timeProvider.GetTimestamp();
            if (!_listHeads.TryGetValue(key, out var first) || !head.Bytes.Span.SequenceEqual(first.Head))
            {
                _listHeads[key] = (head.Bytes.ToArray(), now);
                continue;
            }

            var stuckFor = _timeProvider.GetElapsedTime(first.Since, now);
            if (stuckFor >= _options.UndeliverableAfter)
            {
                _listHeads.Remove(key);
                budget -= await MoveListAsync(
                    connection, key, shardId, CommandRejectReason.ShardNotHosted,
                    string.Create(CultureInfo.InvariantCulture, $"no silo took shard {shardId}'s commands for {stuckFor:c}"), budget, stopping)
                    .ConfigureAwait(false);
            }
        }

        foreach (var stale in _listHeads.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _listHeads.Remove(stale);
        }
    }

    private async Task<List<string>> ScanCommandListsAsync(RespConnection connection, CancellationToken stopping)
    {
        var keys = new List<string>();
        string cursor = "0";
        string pattern = _keys.ForShardPattern;
        do
        {
            var reply = (await connection.ExecuteAsync(
                ["SCAN", cursor, "MATCH", pattern, "COUNT", "1000", "TYPE", "list"], _options.ResponseTimeout, stopping).ConfigureAwait(false))
                .ThrowIfError();
            if (reply.Kind != RespReplyKind.Array || reply.Items.Count != 2)
            {
                throw new InvalidDataException($"SCAN answered {reply} instead of [cursor, keys].");
            }

            cursor = reply.Items[0].Text;
            keys.AddRange(reply.Items[1].Items.Select(k => k.Text));
        }
        while (cursor != "0");

        return keys;
    }

    /// <summary>Pops up to <paramref name="budget"/> elements of <paramref name="key"/> into the dead-letter list; returns how many.</summary>
    private async Task<int> MoveListAsync(
        RespConnection connection, string key, int? shardId, CommandRejectReason reason, string detail, int budget, CancellationToken stopping)
    {
        int moved = 0;
        while (moved < budget)
        {
            int count = Math.Min(SweepPopCount, budget - moved);
            var reply = (await connection.ExecuteAsync(
                ["LPOP", key, count.ToString(CultureInfo.InvariantCulture)], _options.ResponseTimeout, stopping).ConfigureAwait(false))
                .ThrowIfError();
            if (reply.IsNil || reply.Items.Count == 0)
            {
                break;
            }

            var payloads = reply.Items.Select(i => i.Bytes).ToList();
            if (reason == CommandRejectReason.UnknownShard)
            {
                payloads.ForEach(_ => _instruments?.OnCommandRejected(reason));
            }

            foreach (var write in DeadLetterWrites(reason, detail, key, shardId, payloads, done: null))
            {
                // Popped already: written even while stopping, or they would be lost.
                (await connection.ExecuteAsync(write.Command, _options.ResponseTimeout, CancellationToken.None).ConfigureAwait(false)).ThrowIfError();
            }

            moved += payloads.Count;
        }

        return moved;
    }
}
