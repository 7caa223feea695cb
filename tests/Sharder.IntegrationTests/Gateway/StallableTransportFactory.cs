using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// The real WebSocket transport, with a switch that stalls every outgoing payload (heartbeats, Identify,
/// Resume, commands) while the shard keeps reading. It plays a shard whose heartbeat loop is blocked
/// (thread-pool starvation, a long GC pause on the sending side) so the gateway's own heartbeat deadline
/// (R-4.3, F11) is what ends the connection.
/// </summary>
internal sealed class StallableTransportFactory : IGatewayTransportFactory
{
    private readonly WebSocketGatewayTransportFactory _inner;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _stall;
    private int _created;

    public StallableTransportFactory(GatewayOptions options)
    {
        _inner = new WebSocketGatewayTransportFactory(options.UserAgent, options.HandshakeTimeout, TimeProvider.System);
    }

    /// <summary>Transports created so far (one per connection attempt).</summary>
    public int Created => Volatile.Read(ref _created);

    public IGatewayTransport Create()
    {
        Interlocked.Increment(ref _created);
        return new StallableTransport(_inner.Create(), this);
    }

    /// <summary>From now on, sends wait until <see cref="ReleaseSends"/> (or until their connection is aborted).</summary>
    public void StallSends()
    {
        lock (_lock)
        {
            _stall ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseSends()
    {
        TaskCompletionSource? stall;
        lock (_lock)
        {
            stall = _stall;
            _stall = null;
        }

        stall?.TrySetResult();
    }

    /// <summary>Completes at once unless sends are stalled.</summary>
    internal Task WhenSendsAllowed()
    {
        lock (_lock)
        {
            return _stall?.Task ?? Task.CompletedTask;
        }
    }
}
