using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Sharder.Simulator.Net;

/// <summary>
/// One accepted server-side WebSocket with the transport controls the simulator needs:
/// any close code, FIN or RST without a close frame, and blackholing. Receives must not overlap each
/// other; sends may come from several tasks and are serialized here.
/// </summary>
public sealed partial class WsConnection : IAsyncDisposable
{
    private const int InitialMessageBufferBytes = 4 * 1024;
    private const int RetainedMessageBufferBytes = 64 * 1024;
    private const int DrainBufferBytes = 16 * 1024;
    private const int MaxCloseReasonBytes = 123;

    private const int StateOpen = 0;
    private const int StateClosing = 1; // our close frame or FIN is out: no more data goes out
    private const int StateEnded = 2;

    private static long _lastId;

    private readonly Socket _socket;
    private readonly WebSocket _webSocket;
    private readonly TimeProvider _time;
    private readonly TimeSpan _closeTimeout;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _receiveLock = new(1, 1);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blackholeReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConnectionStream _stream;
    private byte[] _messageBuffer = new byte[InitialMessageBufferBytes];
    private byte[]? _drainBuffer;
    private long _bytesIn;
    private long _bytesOut;
    private int _state;
    private int _finished;
    private volatile bool _blackholed;
    private volatile bool _closeFrameReceived;

    internal WsConnection(string listenerName, Socket socket, ConnectionStream stream, TimeProvider time, TimeSpan closeTimeout)
    {
        Id = Interlocked.Increment(ref _lastId);
        ListenerName = listenerName;
        ConnectedAt = time.GetUtcNow();
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        _socket = socket;
        _stream = stream;
        _time = time;
        _closeTimeout = closeTimeout;
        _webSocket = WebSocket.CreateFromStream(
            stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    /// <summary>Unique within this process.</summary>
    public long Id { get; }

    public string ListenerName { get; }

    public DateTimeOffset ConnectedAt { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>WebSocket payload bytes received (including drained oversize messages).</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>WebSocket payload bytes of the data messages fully sent.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>True until a close frame or FIN went out, or the connection ended.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == StateOpen;

    public bool IsBlackholed => _blackholed;

    /// <summary>Close code from the client's close frame (initiating or echoing ours), if one arrived.</summary>
    /// <remarks>.NET reports an empty close frame as 1000.</remarks>
    public int? ClientCloseCode { get; private set; }

    public string? ClientCloseReason { get; private set; }

    /// <summary>The code this side sent with <see cref="CloseAsync"/>, or echoed to a client's close.</summary>
    public int? ServerCloseCode { get; private set; }

    public string? ServerCloseReason { get; private set; }

    /// <summary>
    /// Called with the client's close code when the client starts the close, before this side echoes it: the
    /// echo lets the client reconnect at once, so whatever the close means (a detached session) must be
    /// recorded before it goes out, or the client's next connection can overtake it.
    /// </summary>
    public Action<int?>? ClientClosing { get; set; }

    /// <summary>True once the connection ended without a close frame from the client.</summary>
    public bool EndedWithoutCloseFrame { get; private set; }

    /// <summary>Completes when the connection is fully closed (socket released).</summary>
    public Task Completion => _completion.Task;

    /// <summary>Completion if a close or FIN is under way, else an already completed task.</summary>
    internal Task ClosingCompletion => Volatile.Read(ref _state) == StateClosing ? Completion : Task.CompletedTask;

    private bool IsEnded => Volatile.Read(ref _state) == StateEnded;

    /// <summary>
    /// Sends one message, optionally fragmented (with pings in between). A message for a blackholed,
    /// closing or dead connection is dropped silently (BytesOut does not grow); a transport error ends
    /// the connection instead of throwing. Only cancellation throws.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, bool binary, SendShape? shape, CancellationToken ct)
    {
        var fragmentSize = shape?.FragmentSize;
        if (fragmentSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), fragmentSize, "FragmentSize must be at least 1.");
        }

        if (_blackholed || !IsOpen)
        {
            return;
        }

        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_blackholed || !IsOpen)
            {
                return;
            }

            await SendLockedAsync(payload, binary, fragmentSize, shape?.PingBetweenFragments == true, ct).ConfigureAwait(false);
            Interlocked.Add(ref _bytesOut, payload.Length);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Finish();
            throw;
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            Finish();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Sends a close frame with any code 1000..4999 (not 1005/1006/1015), then waits up to the close
    /// timeout for the client's answering close frame or TCP close, then closes TCP. Ends a blackhole.
    /// </summary>
    public async Task CloseAsync(int code, string reason, CancellationToken ct)
    {
        ValidateClose(code, reason);
        ReleaseBlackhole();
        using (var timeout = new CancellationTokenSource(_closeTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
        {
            try
            {
                // A send stuck on a client that stopped reading must not hold the close forever.
                await _sendLock.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Finish();
                ct.ThrowIfCancellationRequested();
                return;
            }

            try
            {
                if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) != StateOpen)
                {
                    return;
                }

                ServerCloseCode = code;
                ServerCloseReason = reason;
                await _webSocket.CloseOutputAsync((WebSocketCloseStatus)code, reason, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException || IsTransportFailure(ex))
            {
                Finish();
                ct.ThrowIfCancellationRequested();
                return;
            }
            finally
            {
                _sendLock.Release();
            }
        }

        await DrainUntilEndedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>F5: half-close (FIN) without a close frame, wait for the client to go, then close.</summary>
    public void AbortWithFin()
    {
        if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) != StateOpen)
        {
            return;
        }

        ReleaseBlackhole();
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            Finish();
            return;
        }

        // Reading on until the client closes keeps unread input from turning our close into an RST.
        _ = DrainUntilEndedAsync(CancellationToken.None);
    }

    /// <summary>F6: reset the TCP connection (RST, linger 0) without a close frame.</summary>
    public void AbortWithRst()
    {
        if (IsEnded)
        {
            return;
        }

        // Close(0) is .NET's abortive close: linger 0, no graceful shutdown first, so the kernel sends RST.
        _socket.Close(0);
        Finish();
    }

    /// <summary>
    /// F7: from now on nothing is read or written, but TCP stays open until the connection is closed,
    /// aborted or disposed. Pending and later receives stay pending; sends are dropped.
    /// </summary>
    public void Blackhole()
    {
        if (IsOpen)
        {
            _blackholed = true;
        }
    }

    /// <summary>Aborts the connection if it is still open (no close frame).</summary>
    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops the connection at once: the socket is closed with no close frame.</summary>
    internal void Abort() => Finish();

    private async ValueTask SendLockedAsync(
        ReadOnlyMemory<byte> payload, bool binary, int? fragmentSize, bool pingBetweenFragments, CancellationToken ct)
    {
        var type = binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        if (fragmentSize is not { } size || payload.Length <= size)
        {
            await _webSocket.SendAsync(payload, type, endOfMessage: true, ct).ConfigureAwait(false);
            return;
        }

        if (pingBetweenFragments)
        {
            // The WebSocket API cannot put a ping inside a message, so these frames are written raw.
            // Holding _sendLock keeps the WebSocket's own data frames out; ConnectionStream keeps its pongs whole.
            await RawFrameWriter.WriteFragmentedWithPingsAsync(_stream, payload, binary, size, ct).ConfigureAwait(false);
            return;
        }

        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var length = Math.Min(size, payload.Length - offset);
            var isLast = offset + length == payload.Length;
            await _webSocket.SendAsync(payload.Slice(offset, length), type, isLast, ct).ConfigureAwait(false);
        }
    }

    private void ReleaseBlackhole()
    {
        _blackholed = false;
        _blackholeReleased.TrySetResult();
    }

    /// <summary>Ends the connection exactly once and releases the socket.</summary>
    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1)
        {
            return;
        }

        EndedWithoutCloseFrame = !_closeFrameReceived;
        Volatile.Write(ref _state, StateEnded);
        ReleaseBlackhole();
        _webSocket.Dispose();
        _stream.Dispose();
        _socket.Dispose();
        _completion.TrySetResult();
    }

    private static void ValidateClose(int code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var reserved = code is (int)WebSocketCloseStatus.Empty or 1006 or 1015;
        if (code is < 1000 or > 4999 || reserved)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Close codes must be 1000..4999, except 1005, 1006 and 1015.");
        }

        if (Encoding.UTF8.GetByteCount(reason) > MaxCloseReasonBytes)
        {
            throw new ArgumentException($"A close reason may hold at most {MaxCloseReasonBytes} UTF-8 bytes.", nameof(reason));
        }
    }

    private static bool IsTransportFailure(Exception ex) =>
        ex is WebSocketException or IOException or SocketException or ObjectDisposedException or InvalidOperationException;
}
