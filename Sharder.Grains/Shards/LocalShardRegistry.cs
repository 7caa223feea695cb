using System.Collections.Concurrent;
using Sharder.Grains.Commands;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Shards;

/// <summary>
/// The shard connections active in this silo, by shard (id and total: during a resharding run two
/// generations run side by side), and by shard id those that serve commands (the generation in service):
/// the command pump hands commands to them without a grain call, and the gateway gauges read them.
/// A silo-level singleton.
/// </summary>
internal sealed class LocalShardRegistry : IShardGaugeSource
{
    private readonly ConcurrentDictionary<ShardRef, ShardConnection> _connections = new();
    private readonly ConcurrentDictionary<int, ShardConnection> _commandTargets = new();

    /// <summary>The shard ids serving commands here, ascending.</summary>
    public IReadOnlyList<int> ShardIds => [.. _commandTargets.Keys.Order()];

    /// <param name="connection">The shard's connection.</param>
    /// <param name="servesCommands">Whether commands for its id go to it (its generation is in service); see <see cref="ServeCommands"/>.</param>
    public void Register(ShardConnection connection, bool servesCommands = true)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[RefOf(connection)] = connection;
        if (servesCommands)
        {
            ServeCommands(connection);
        }
    }

    /// <summary>From now on commands for the connection's shard id go to it (a resharding run switched generations).</summary>
    public void ServeCommands(ShardConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _commandTargets[connection.ShardId] = connection;
    }

    /// <summary>Removes <paramref name="connection"/>, unless another one has been registered for its shard since.</summary>
    public void Unregister(ShardConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections.TryRemove(new KeyValuePair<ShardRef, ShardConnection>(RefOf(connection), connection));
        _commandTargets.TryRemove(new KeyValuePair<int, ShardConnection>(connection.ShardId, connection));
    }

    /// <summary>The connection serving commands for <paramref name="shardId"/> here.</summary>
    public bool TryGet(int shardId, out ShardConnection connection) => _commandTargets.TryGetValue(shardId, out connection!);

    /// <summary>A status snapshot of every shard running here, by shard id then total.</summary>
    public IReadOnlyList<ShardStatus> Statuses()
        => [.. _connections.Values.Select(static c => c.Status).OrderBy(static s => s.ShardId).ThenBy(static s => s.ShardCount)];

    private static ShardRef RefOf(ShardConnection connection) => new(connection.ShardId, connection.ShardCount);

    public IReadOnlyList<ShardGaugeReading> ReadGauges()
        => [.. Statuses().Select(static s => new ShardGaugeReading(
            s.ShardId,
            s.ShardCount,
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
