using System.Collections.Concurrent;
using System.Diagnostics;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A gateway without sockets for scale checks of activation and identify scheduling: every connection is an
/// <see cref="InMemoryGatewayConnection"/> that says Hello, answers Identify with READY and heartbeats with
/// ACK, and nothing else. It records when each shard identified (by the shard's own send), so a test can
/// read the coordinator's grant rate and the spacing per rate-limit key without Discord's sockets or the
/// simulator's per-connection cost.
/// </summary>
internal sealed class InMemoryGateway : IGatewayTransportFactory
{
    /// <summary>Setting the silos read to find this gateway (<see cref="InMemoryGatewaySiloConfigurator"/>).</summary>
    public const string SettingName = "Test:InMemoryGateway";

    private static readonly ConcurrentDictionary<string, InMemoryGateway> s_byName = new();

    private readonly ConcurrentQueue<IdentifyRecord> _identifies = new();
    private int _connections;
    private int _open;

    public InMemoryGateway(int heartbeatIntervalMs)
    {
        HeartbeatIntervalMs = heartbeatIntervalMs;
        Name = Guid.NewGuid().ToString("N");
        s_byName[Name] = this;
    }

    /// <summary>The key silos of one cluster share through <see cref="SettingName"/>.</summary>
    public string Name { get; }

    public int HeartbeatIntervalMs { get; }

    /// <summary>Connections opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Identifies received so far.</summary>
    public int IdentifyCount => _identifies.Count;

    /// <summary>Every Identify in the order received.</summary>
    public IReadOnlyList<IdentifyRecord> Identifies => [.. _identifies];

    public static InMemoryGateway Find(string name)
        => s_byName.TryGetValue(name, out var gateway)
            ? gateway
            : throw new InvalidOperationException($"No in-memory gateway named {name} (it is registered by its constructor).");

    public IGatewayTransport Create() => new InMemoryGatewayConnection(this);

    public void Forget() => s_byName.TryRemove(Name, out _);

    internal void OnConnected()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _open);
    }

    internal void OnClosed() => Interlocked.Decrement(ref _open);

    internal void OnIdentify(int shardId) => _identifies.Enqueue(new IdentifyRecord(shardId, Stopwatch.GetTimestamp()));
}
