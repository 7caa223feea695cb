using System.Collections.Concurrent;
using Sharder.Grains.Commands;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;

namespace Sharder.Grains.Shards;

/// <summary>
/// The shard connections active in this silo, by shard id: the command pump hands commands to them
/// without a grain call, and the gateway gauges read them. A silo-level singleton.
/// </summary>
internal sealed class LocalShardRegistry : IShardGaugeSource
{
    private readonly ConcurrentDictionary<int, ShardConnection> _connections = new();

    /// <summary>The shards running here, ascending.</summary>
    public IReadOnlyList<int> ShardIds => [.. _connections.Keys.Order()];

    public void Register(ShardConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[connection.ShardId] = connection;
    }

    /// <summary>Removes <paramref name="connection"/>, unless another one has been registered for its shard since.</summary>
    public void Unregister(ShardConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections.TryRemove(new KeyValuePair<int, ShardConnection>(connection.ShardId, connection));
    }

    public bool TryGet(int shardId, out ShardConnection connection) => _connections.TryGetValue(shardId, out connection!);

    /// <summary>A status snapshot of every shard running here, by shard id.</summary>
    public IReadOnlyList<ShardStatus> Statuses() => [.. _connections.Values.Select(static c => c.Status).OrderBy(static s => s.ShardId)];

    public IReadOnlyList<ShardGaugeReading> ReadGauges()
        => [.. Statuses().Select(static s => new ShardGaugeReading(
            s.ShardId,
            s.State.ToString(),
            s.Latency,
            s.Identifies,
            s.Resumes,
            [.. s.Reconnects.Select(static r => KeyValuePair.Create(r.Key.ToString(), r.Value))]))];

    /// <summary>
    /// The command pump's delivery: queue the payload on the local shard without waiting for the gateway.
    /// A shard not running here counts as <see cref="CommandEnqueueResult.Stopped"/> (the pump puts the command back).
    /// </summary>
    public CommandEnqueueResult TryEnqueueCommand(int shardId, ReadOnlyMemory<byte> payload)
        => TryGet(shardId, out var connection) ? connection.TryEnqueue(payload) : CommandEnqueueResult.Stopped;
}
