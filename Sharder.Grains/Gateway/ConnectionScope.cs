using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Everything that lives exactly as long as one gateway connection: its transport, cancellation, buffers,
/// heartbeat state, rate limiter, sink buffer and background tasks. <see cref="Disconnect"/> is the only
/// way a connection ends; the first call decides the reason, later calls are ignored.
/// </summary>
/// <remarks>
/// Two tokens: <see cref="Lifetime"/> is cancelled the moment the connection is told to end and stops the
/// heartbeat, sender and identify tasks; <see cref="IoToken"/> aborts socket operations and fires later,
/// after the peer had <c>closeTimeout</c> to answer our close frame (or at once when there is nothing to
/// wait for), because cancelling a WebSocket operation aborts the socket and could lose the close frame.
/// </remarks>
internal sealed class ConnectionScope : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _io;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _hardStopRegistration;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<Task> _tasks = [];
    private readonly SinkBuffer _sinkBuffer;
    private readonly long _sinkBufferBytes;
    private readonly Lock _bytesLock = new();
    private long _bufferedBytes;
    private TaskCompletionSource? _bytesFreed;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _closeTimeout;
    private DisconnectReason? _reason;
    private ITimer? _helloTimer;
    private Task _deliveries = Task.CompletedTask;
    private volatile bool _dropUndelivered;
    private volatile bool _helloReceived;
    private int _active;
    private bool _disposed;

    public ConnectionScope(
        IGatewayTransport transport,
        ConnectionPlan plan,
        int sinkBufferLimit,
        long sinkBufferBytes,
        TimeProvider timeProvider,
        TimeSpan closeTimeout,
        CancellationToken hardStop)
    {
        Transport = transport;
        Plan = plan;
        SessionId = plan.Resume?.SessionId;
        Generation = plan.Resume is null ? 0 : plan.Generation;
        _timeProvider = timeProvider;
        _closeTimeout = closeTimeout;
        _sinkBufferBytes = sinkBufferBytes;

        // Created with the TimeProvider so CancelAfter (the close deadline) follows the injected clock.
        _io = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(_io.Token);
        _hardStopRegistration = hardStop.UnsafeRegister(static state => ((ConnectionScope)state!).CancelIo(), this);
        Heartbeat = new HeartbeatMonitor(timeProvider);
        _sinkBuffer = new SinkBuffer(sinkBufferLimit);
    }

    public IGatewayTransport Transport { get; }

    public ConnectionPlan Plan { get; }

    /// <summary>Cancelled when the connection is told to end.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Cancelled when socket operations must stop (close deadline passed, or nothing left to wait for).</summary>
    public CancellationToken IoToken => _io.Token;

    public HeartbeatMonitor Heartbeat { get; }

    /// <summary>
    /// The identify permit this connection holds and has not used: taken before the socket opened (within
    /// the connect lead of its slot), or again on this socket after one was missed. Null once Identify was
    /// sent, or for a resume. When the connection ends holding one, the shard hands it back as missed.
    /// </summary>
    public IdentifyPermit? HeldPermit { get; set; }

    /// <summary>The permit of the Identify sent on this connection; null when none was sent (a resume, or not yet).</summary>
    public IdentifyPermit? SentIdentify { get; set; }

    /// <summary>Created when Hello gives the heartbeat interval.</summary>
    public CommandRateLimiter? RateLimiter { get; set; }

    /// <summary>Bytes of the WebSocket message being received.</summary>
    public PooledBufferWriter RawBuffer { get; } = new();

    /// <summary>The decompressed gateway message.</summary>
    public PooledBufferWriter JsonBuffer { get; } = new();

    /// <summary>The buffer between the read loop and the delivery loop.</summary>
    public SinkBuffer SinkBuffer => _sinkBuffer;

    /// <summary>Payload bytes in the sink buffer.</summary>
    public long BufferedBytes
    {
        get
        {
            lock (_bytesLock)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <summary>
    /// Buffers <paramref name="item"/> unless the buffer is full by count or by bytes. An item larger than
    /// the whole byte budget is taken when the buffer is empty, so one big event cannot block the shard.
    /// </summary>
    public bool TryBuffer(SinkItem item)
    {
        lock (_bytesLock)
        {
            if (!HasByteRoomLocked(item.Bytes) || !_sinkBuffer.TryWrite(item))
            {
                return false;
            }

            _bufferedBytes += item.Bytes;
            return true;
        }
    }

    /// <summary>Takes the next buffered item for the sink, freeing its bytes.</summary>
    public bool TryTakeBuffered(out SinkItem item)
    {
        if (!_sinkBuffer.TryRead(out item))
        {
            return false;
        }

        TaskCompletionSource? freed;
        lock (_bytesLock)
        {
            _bufferedBytes -= item.Bytes;
            freed = _bytesFreed;
            _bytesFreed = null;
        }

        freed?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Waits until an item of <paramref name="bytes"/> may fit: room by count and by bytes. False when the
    /// buffer was completed (the connection is ending).
    /// </summary>
    public async ValueTask<bool> WaitForBufferRoomAsync(long bytes, CancellationToken cancellationToken)
    {
        Task freed;
        lock (_bytesLock)
        {
            if (HasByteRoomLocked(bytes))
            {
                freed = Task.CompletedTask;
            }
            else
            {
                _bytesFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                freed = _bytesFreed.Task;
            }
        }

        if (!freed.IsCompleted)
        {
            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await _sinkBuffer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool HasByteRoomLocked(long bytes) => _bufferedBytes == 0 || _bufferedBytes + bytes <= _sinkBufferBytes;

    /// <summary>The session this connection resumes or identified; null until READY on a new session.</summary>
    public string? SessionId { get; set; }

    /// <summary>The generation of <see cref="SessionId"/> (see <see cref="ShardConnection"/>); 0 until READY on a new session.</summary>
    public long Generation { get; set; }

    /// <summary>Set once the connection is ending; the read loop then only drains until the peer's close.</summary>
    public DisconnectReason? Reason
    {
        get
        {
            lock (_lock)
            {
                return _reason;
            }
        }
    }

    public bool IsDisconnecting => Reason is not null;

    public bool HelloReceived => _helloReceived;

    /// <summary>Whether READY or RESUMED arrived on this connection.</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    /// <summary>When true, the delivery loop stops after its current item (the rest will be replayed on resume).</summary>
    public bool DropUndelivered => _dropUndelivered;

    /// <summary>Ends the connection. Returns false when it was already ending (the first reason stands).</summary>
    public bool Disconnect(DisconnectReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            if (_reason is not null || _disposed)
            {
                return false;
            }

            _reason = reason;
        }

        _helloTimer?.Dispose();
        _lifetime.Cancel();
        if (reason.Initiator == CloseInitiator.Client && reason.Code is { } code)
        {
            // Keep reading until the peer answers the close frame, but not forever; a peer that stopped
            // answering (zombie, no Hello) will not answer this either, so drop it once the frame is out.
            _io.CancelAfter(_closeTimeout);
            var peerSilent = reason.Cause is ReconnectCause.ZombieConnection or ReconnectCause.HelloTimeout;
            Track(SendCloseFrameAsync(code, abortAfterSend: peerSilent));
        }
        else
        {
            CancelIo();
        }

        return true;
    }

    public void ArmHelloTimeout(TimeSpan timeout, Action onTimeout)
    {
        _helloTimer = _timeProvider.CreateTimer(static state => ((Action)state!)(), onTimeout, timeout, Timeout.InfiniteTimeSpan);
    }

    public void MarkHelloReceived()
    {
        _helloReceived = true;
        _helloTimer?.Dispose();
    }

    /// <summary>Marks the session established; true only the first time, so per-session work starts once.</summary>
    public bool MarkActive() => Interlocked.Exchange(ref _active, 1) == 0;

    /// <summary>Sends one payload; sends never interleave, and none starts once the connection is ending.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload) => await SendByAsync(payload, deadline: null).ConfigureAwait(false);

    /// <summary>
    /// Sends one payload unless <paramref name="deadline"/> has passed by the time it is its turn on the
    /// socket; false when it was not sent for that reason. Without a deadline (heartbeats, commands) the
    /// clock is not read.
    /// </summary>
    public async ValueTask<bool> SendByAsync(ReadOnlyMemory<byte> payload, DateTimeOffset? deadline)
    {
        await _sendLock.WaitAsync(Lifetime).ConfigureAwait(false);
        try
        {
            Lifetime.ThrowIfCancellationRequested();
            if (deadline is { } sendBy && _timeProvider.GetUtcNow() > sendBy)
            {
                return false;
            }

            await Transport.SendAsync(payload, IoToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Registers a background task of this connection, awaited by <see cref="WhenTasksCompletedAsync"/>.</summary>
    public void Track(Task task)
    {
        lock (_lock)
        {
            _tasks.Add(task);
        }
    }

    /// <summary>Awaits every tracked task, including ones added while waiting.</summary>
    public async Task WhenTasksCompletedAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_lock)
            {
                pending = [.. _tasks];
                _tasks.Clear();
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    public void StartDeliveries(Task deliveries) => _deliveries = deliveries;

    /// <summary>
    /// Tells the delivery loop to finish: with all buffered items (<paramref name="drain"/>), or with only
    /// the item in flight, which is retried until the sink takes it (the rest is dropped and replayed on
    /// resume). Returns the loop's task.
    /// </summary>
    public Task EndDeliveries(bool drain)
    {
        _dropUndelivered = !drain;
        _sinkBuffer.Complete();
        return _deliveries;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _helloTimer?.Dispose();
        await _hardStopRegistration.DisposeAsync().ConfigureAwait(false);
        CancelIo();
        await Transport.DisposeAsync().ConfigureAwait(false);
        RawBuffer.Dispose();
        JsonBuffer.Dispose();
        _lifetime.Dispose();
        _io.Dispose();
        _sendLock.Dispose();
    }

    private void CancelIo()
    {
        try
        {
            _io.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A hard stop raced with disposal; the scope is already gone.
        }
    }

    private async Task SendCloseFrameAsync(int code, bool abortAfterSend)
    {
        var reason = code is 1000 or 1001 ? "shutting down" : "reconnecting";
        try
        {
            await _sendLock.WaitAsync(IoToken).ConfigureAwait(false);
            try
            {
                await Transport.CloseAsync(code, reason, IoToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (OperationCanceledException)
        {
            // The close deadline passed first; the socket is aborted instead.
        }
        catch (GatewayTransportException)
        {
            // Already broken: nothing left to close.
        }

        if (abortAfterSend)
        {
            CancelIo();
        }
    }
}
