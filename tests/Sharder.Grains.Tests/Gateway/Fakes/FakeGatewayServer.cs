using System.Collections.Concurrent;
using System.Threading.Channels;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>
/// The scripted gateway behind <see cref="FakeGatewayConnection"/>s: records every connection attempt,
/// can refuse some, and hands each accepted connection to the test.
/// </summary>
internal sealed class FakeGatewayServer : IGatewayTransportFactory
{
    private readonly Channel<FakeGatewayConnection> _accepted = Channel.CreateUnbounded<FakeGatewayConnection>();
    private readonly ConcurrentQueue<Uri> _attempts = new();
    private readonly Lock _lock = new();
    private Func<Uri, bool> _refuse = static _ => false;
    private int _refusalsLeft;

    /// <summary>Every URL the shard tried to connect to, in order (refused ones included).</summary>
    public IReadOnlyList<Uri> ConnectAttempts => [.. _attempts];

    public IGatewayTransport Create() => new FakeGatewayConnection(this);

    /// <summary>Refuses the next <paramref name="count"/> attempts whose URL matches <paramref name="predicate"/>.</summary>
    public void Refuse(Func<Uri, bool> predicate, int count)
    {
        lock (_lock)
        {
            _refuse = predicate;
            _refusalsLeft = count;
        }
    }

    public Task<FakeGatewayConnection> NextConnectionAsync() =>
        Waits.ForAsync(_accepted.Reader.ReadAsync().AsTask(), "the shard's next connection");

    /// <summary>True when an accepted connection is waiting to be taken by <see cref="NextConnectionAsync"/>.</summary>
    public bool HasPendingConnection => _accepted.Reader.Count > 0;

    internal void Accept(FakeGatewayConnection connection, Uri url)
    {
        _attempts.Enqueue(url);
        lock (_lock)
        {
            if (_refusalsLeft > 0 && _refuse(url))
            {
                _refusalsLeft--;
                throw new GatewayTransportException($"Connection to {url} refused (scripted).");
            }
        }

        _accepted.Writer.TryWrite(connection);
    }
}
