using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Sharder.Bench.Simulator;

/// <summary>
/// N null clients sharing one <see cref="HttpMessageInvoker"/> whose connect callback wraps every TCP
/// stream in a <see cref="WireCountingStream"/>, so wire bytes can be summed across the fleet.
/// </summary>
internal sealed class NullClientFleet : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly List<NullClient> _clients = [];
    private readonly ConcurrentBag<WireCountingStream> _streams = [];
    private readonly ConcurrentQueue<(int ShardId, Exception Error)> _connectFailures = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeProvider _time;
    private DispatchBackpressure? _backpressure;
    private int _started;

    public NullClientFleet(TimeProvider time)
    {
        _time = time;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = ConnectCountedAsync,
        });
    }

    /// <summary>Clients that connected, got Hello and sent Identify.</summary>
    public int Started => Volatile.Read(ref _started);

    public long Messages => _clients.Sum(c => c.Messages);

    public long PayloadBytes => _clients.Sum(c => c.PayloadBytes);

    public long HeartbeatsSent => _clients.Sum(c => c.HeartbeatsSent);

    /// <summary>Dispatches received: every message except one Hello per client and one ACK per heartbeat sent
    /// (an ACK still in flight makes this undercount briefly, never overcount).</summary>
    public long Dispatches => Messages - _clients.Count - HeartbeatsSent;

    /// <summary>TCP payload bytes the clients read: WebSocket frames including their headers.</summary>
    public long WireBytesIn => _streams.Sum(s => s.BytesRead);

    public IReadOnlyCollection<(int ShardId, Exception Error)> ConnectFailures => _connectFailures;

    public IEnumerable<(int ShardId, Exception Error)> ReceiveFailures =>
        _clients.Where(c => c.Failure is not null).Select(c => (c.ShardId, c.Failure!));

    /// <summary>From now on every received message is reported to <paramref name="backpressure"/>.</summary>
    public void AttachBackpressure(DispatchBackpressure backpressure) => Volatile.Write(ref _backpressure, backpressure);

    /// <summary>
    /// Starts clients for shards 0..N-1 with at most <paramref name="parallelism"/> handshakes in flight.
    /// A client that fails to connect is recorded in <see cref="ConnectFailures"/>; the others go on.
    /// Cancelling stops starting new clients and throws once the started ones have finished.
    /// </summary>
    public async Task ConnectAsync(Uri gateway, int numShards, Func<int, string> identifyJson, TimeSpan heartbeatInterval,
        int parallelism, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(parallelism);
        var starts = new List<Task>(numShards);
        try
        {
            for (var shard = 0; shard < numShards; shard++)
            {
                var client = new NullClient(shard, _time, OnMessage);
                _clients.Add(client);
                await gate.WaitAsync(ct);
                starts.Add(StartOneAsync(client, gate));
            }
        }
        finally
        {
            await Task.WhenAll(starts);
        }

        async Task StartOneAsync(NullClient client, SemaphoreSlim slot)
        {
            try
            {
                await client.StartAsync(gateway, _invoker, identifyJson(client.ShardId), heartbeatInterval, ct);
                Interlocked.Increment(ref _started);
            }
            catch (Exception ex)
            {
                _connectFailures.Enqueue((client.ShardId, ex));
            }
            finally
            {
                slot.Release();
            }
        }
    }

    private void OnMessage() => Volatile.Read(ref _backpressure)?.OnReceived();

    private async ValueTask<Stream> ConnectCountedAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new WireCountingStream(new NetworkStream(socket, ownsSocket: true));
        _streams.Add(stream);
        return stream;
    }

    /// <summary>Closes every client with 1000 (bounded), then releases all sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(CloseTimeout, _time))
        {
            await Task.WhenAll(_clients.Select(c => c.CloseAsync(timeout.Token)));
        }

        foreach (var client in _clients) await client.DisposeAsync();
        _invoker.Dispose();
    }
}
