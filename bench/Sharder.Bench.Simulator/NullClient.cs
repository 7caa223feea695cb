using System.Net.WebSockets;
using System.Text;

namespace Sharder.Bench.Simulator;

/// <summary>
/// The cheapest possible shard: waits for the first message (Hello), identifies as shard i of N,
/// heartbeats and reads and discards everything else. It counts whole messages and payload bytes but
/// never decompresses or parses, so the numbers show the simulator's cost, not a client's. That is also
/// why the heartbeat interval is passed in (the value the simulator was configured to put in Hello)
/// instead of being read from a Hello that may be compressed.
/// </summary>
internal sealed class NullClient : IAsyncDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;
    private static readonly byte[] HeartbeatJson = """{"op":1,"d":null}"""u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _helloReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopHeartbeats = new();
    private readonly TimeProvider _time;
    private readonly Action _onMessage;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private long _messages;
    private long _payloadBytes;
    private long _heartbeatsSent;
    private volatile bool _closing;

    public NullClient(int shardId, TimeProvider time, Action onMessage)
    {
        ShardId = shardId;
        _time = time;
        _onMessage = onMessage;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public int ShardId { get; }

    /// <summary>Whole WebSocket messages received (Hello, dispatches, heartbeat ACKs).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>WebSocket payload bytes received (compressed bytes in the compressed modes).</summary>
    public long PayloadBytes => Interlocked.Read(ref _payloadBytes);

    public long HeartbeatsSent => Interlocked.Read(ref _heartbeatsSent);

    /// <summary>Why the receive loop ended early, if it did.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Connects, waits for Hello, sends Identify and starts heartbeating.</summary>
    public async Task StartAsync(Uri gateway, HttpMessageInvoker invoker, string identifyJson, TimeSpan heartbeatInterval, CancellationToken ct)
    {
        await _socket.ConnectAsync(gateway, invoker, ct);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await _helloReceived.Task.WaitAsync(ct);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(identifyJson), WebSocketMessageType.Text, endOfMessage: true, ct);
        _heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(heartbeatInterval, _stopHeartbeats.Token), CancellationToken.None);
    }

    /// <summary>Runs until the server's close frame arrives or the socket is disposed.</summary>
    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBufferBytes];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return;
                Interlocked.Add(ref _payloadBytes, result.Count);
                if (!result.EndOfMessage) continue;
                Interlocked.Increment(ref _messages);
                _helloReceived.TrySetResult();
                _onMessage();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            if (!_closing) Failure = ex;
            _helloReceived.TrySetException(ex);
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            // First beat at a random point of the first interval, as real clients jitter it.
            await Task.Delay(interval * Random.Shared.NextDouble(), _time, ct);
            using var timer = new PeriodicTimer(interval, _time);
            do
            {
                // Counted first, so an ACK can never arrive before its heartbeat is counted.
                Interlocked.Increment(ref _heartbeatsSent);
                await _socket.SendAsync(HeartbeatJson, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // Stopped, or the socket is gone (the receive loop records why).
        }
    }

    /// <summary>Stops heartbeating and closes with 1000; waits for the server's close frame until <paramref name="ct"/> fires.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        _closing = true;
        await _stopHeartbeats.CancelAsync();
        await _heartbeatLoop;
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "benchmark done", ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
            {
                // The server may be gone already; Dispose below aborts the socket.
            }
        }

        try
        {
            await _receiveLoop.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // No close frame in time: DisposeAsync aborts the socket.
        }
    }

    /// <summary>Aborts the socket if it is still open and waits for both loops.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _stopHeartbeats.CancelAsync();
        _socket.Dispose();
        await _receiveLoop;
        await _heartbeatLoop;
        _stopHeartbeats.Dispose();
    }
}
