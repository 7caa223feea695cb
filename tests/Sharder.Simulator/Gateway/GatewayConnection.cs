using System.Buffers;
using System.Threading.Channels;
using Sharder.Simulator.Compression;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Net;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Gateway;

/// <summary>
/// One client WebSocket: the per-connection state machine of R-4. The receive loop validates and
/// answers client payloads; a single writer task puts every outbound frame on the wire in order.
/// Partial files: <c>.Commands</c> (inbound payloads), <c>.Faults</c> (injected faults).
/// </summary>
internal sealed partial class GatewayConnection : IDisposable
{
    private static readonly TimeSpan WriterFlushTimeout = TimeSpan.FromSeconds(10);

    private readonly SimulatorContext _context;
    private readonly WsConnection _ws;
    private readonly Channel<Outbound> _outbound = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ArrayBufferWriter<byte> _frame = new(4096);
    private readonly object _stateGate = new();
    private readonly CommandWindow _commands;
    private readonly Transcript _transcript;
    private readonly CancellationTokenSource _stop = new();
    private IGatewayEncoder _encoder;
    private ITimer? _heartbeatDeadline;
    private long _highestSentSeq;
    private bool _closing;

    public GatewayConnection(SimulatorContext context, WsConnection ws, HttpRequest request, TransportCompression compression)
    {
        _context = context;
        _ws = ws;
        _ws.ClientClosing = code =>
        {
            // After our own close was decided, the client's close frame is its answer, not its own close.
            if (ServerCloseCode is null) OnClientClose(code);
        };
        Request = request;
        Compression = compression;
        _encoder = GatewayEncoders.Create(compression, payloadCompression: false, context.Options.PayloadCompressThresholdBytes);
        _commands = new CommandWindow(TimeSpan.FromMilliseconds(context.Options.CommandWindowMs));
        _transcript = new Transcript(context.Options.TranscriptDepth);
    }

    public long Id => _ws.Id;
    public string Listener => _ws.ListenerName;
    public HttpRequest Request { get; }
    public TransportCompression Compression { get; }
    public bool PayloadCompression { get; private set; }
    public ConnectionState State { get; private set; } = ConnectionState.AwaitingAuth;
    public SimSession? Session { get; private set; }
    public int ShardId => Session?.ShardId ?? _lastShardId;
    public long HighestSentSeq => Interlocked.Read(ref _highestSentSeq);
    public long? LastHeartbeatSeq { get; private set; }
    public DateTimeOffset? LastHeartbeatAt { get; private set; }
    public int CommandPeak => _commands.Peak;
    public int? ServerCloseCode { get; private set; }
    public int? ClientCloseCode => _ws.ClientCloseCode;
    public bool EndedWithoutCloseFrame => _ws.EndedWithoutCloseFrame;
    public long BytesIn => _ws.BytesIn;
    public long BytesOut => _ws.BytesOut;
    public DateTimeOffset ConnectedAt => _ws.ConnectedAt;
    public IReadOnlyList<TranscriptEntry> Transcript => _transcript.Snapshot();

    private int _lastShardId = -1;
    private int _recordedCommandPeak;

    /// <summary>Runs the connection until it ends. Never throws.</summary>
    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(serverStopping, _stop.Token);
        var writer = Task.Run(() => WriteLoopAsync(linked.Token), CancellationToken.None);
        try
        {
            if (!ValidateQuery()) return;
            StartOrFaultHello();
            await ReceiveLoopAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // The connection ended; what that means for the session is decided below.
        }
        finally
        {
            _heartbeatDeadline?.Dispose();
            EndSession(detachOnly: true, reason: "connection ended", injected: false);
            lock (_stateGate) State = ConnectionState.Closed;
            _outbound.Writer.TryComplete();
            await FlushWriterAsync(writer).ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            _encoder.Dispose();
            _context.Retire(this);
            Dispose();
        }
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>
    /// Frames and the close frame queued before the receive loop ended (e.g. Hello + 4012, or 4002 for an
    /// oversize payload) must still reach the client; cancelling the writer first would drop them. Bounded,
    /// so a client that stopped reading cannot hold the connection open.
    /// </summary>
    private async Task FlushWriterAsync(Task writer)
    {
        try
        {
            await writer.WaitAsync(WriterFlushTimeout, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The writer is stuck on a client that does not read; the cancellation below ends it.
        }
    }

    /// <summary>Called by a session under its lock: queue one dispatch for this connection.</summary>
    public void EnqueueDispatch(SimSession session, BufferedDispatch dispatch, DeliveryKind kind) =>
        _outbound.Writer.TryWrite(new Outbound(OutboundKind.Dispatch, Session: session, Dispatch: dispatch, Delivery: kind));

    public void EnqueueFrame(byte[] frame) => _outbound.Writer.TryWrite(new Outbound(OutboundKind.Frame, frame));

    /// <summary>
    /// Server-initiated close: decides the session's fate now, then the writer sends the close frame after what is
    /// queued. <paramref name="keepSession"/> overrides the code's usual meaning (R-4.3: a heartbeat timeout keeps
    /// the session resumable although an injected 4009 ends it).
    /// </summary>
    public void CloseFromServer(int code, string reason, bool injected, bool keepSession = false)
    {
        lock (_stateGate)
        {
            if (_closing) return;
            _closing = true;
        }

        ServerCloseCode = code;
        _context.Ledger.Close(Id, Session?.Id, ShardId, byServer: true, code, closeFrame: true);
        var detachOnly = !InvalidatesSession(code) || keepSession;
        EndSession(detachOnly, reason: $"server close {code}", injected, serverCloseCode: code);
        _outbound.Writer.TryWrite(new Outbound(OutboundKind.Close, CloseCode: code, Reason: reason));
    }

    /// <summary>Abrupt server-side end (FIN or RST): the session stays resumable.</summary>
    public void AbortFromServer(OutboundKind how, bool injected)
    {
        lock (_stateGate)
        {
            if (_closing) return;
            _closing = true;
        }

        _context.Ledger.Close(Id, Session?.Id, ShardId, byServer: true, code: null, closeFrame: false);
        EndSession(detachOnly: true, reason: how == OutboundKind.Fin ? "server FIN" : "server RST", injected);
        _outbound.Writer.TryWrite(new Outbound(how));
    }

    /// <summary>Codes after which Discord treats the session as gone (GP §7.1, I-2922).</summary>
    private static bool InvalidatesSession(int code) => code is 1000 or 4001 or 4003 or 4004 or 4007 or 4009 or (>= 4010 and <= 4014);

    private bool ValidateQuery()
    {
        var query = Request.Query;
        var version = query.GetValueOrDefault("v");
        var versionOk = version == "10" || (version == "9" && _context.Options.AcceptApiV9);
        if (!versionOk)
        {
            EnqueueFrame(ServerFrames.Hello(_context.Options.HeartbeatIntervalMs, "sim-gateway-0"));
            CloseFromServer(4012, "Invalid API version", injected: false);
            return false;
        }

        if (_context.Options.RejectEtf && query.GetValueOrDefault("encoding") == "etf")
        {
            CloseFromServer(4002, "ETF is not supported by the simulator", injected: false);
            return false;
        }

        return true;
    }

    private void StartOrFaultHello()
    {
        switch (_context.Faults.TakeConnectionStart(Listener))
        {
            case FaultKind.NoHello:
                Note("fault: no Hello");
                return;
            case FaultKind.ReconnectInsteadOfHello:
                EnqueueFrame(ServerFrames.Reconnect);
                ScheduleGraceClose(null, injected: true);
                return;
        }

        EnqueueFrame(ServerFrames.Hello(_context.Options.HeartbeatIntervalMs, $"sim-gateway-{Listener}"));
        ArmHeartbeatDeadline();
    }

    private void ArmHeartbeatDeadline()
    {
        var o = _context.Options;
        var due = TimeSpan.FromMilliseconds(o.HeartbeatIntervalMs * o.HeartbeatToleranceFactor);
        if (_heartbeatDeadline is null) _heartbeatDeadline = _context.Time.CreateTimer(_ => OnHeartbeatMissed(), null, due, Timeout.InfiniteTimeSpan);
        else _heartbeatDeadline.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnHeartbeatMissed()
    {
        if (_ws.IsBlackholed) return;
        switch (_context.Options.MissedHeartbeatAction)
        {
            case MissedHeartbeatAction.Close4009:
                CloseFromServer(4009, "Session timed out", injected: false, keepSession: true);
                break;
            case MissedHeartbeatAction.Close1000:
                CloseFromServer(1000, "Heartbeat timeout", injected: false, keepSession: true);
                break;
            default:
                AbortFromServer(OutboundKind.Fin, injected: false);
                break;
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var options = _context.Options;
        while (!ct.IsCancellationRequested)
        {
            var message = await _ws.ReceiveAsync(options.InboundReadLimitBytes, ct).ConfigureAwait(false);
            switch (message.Kind)
            {
                case WsMessageKind.Close:
                    // A close the client started was handled (ClientClosing) before the echo went out.
                    return;
                case WsMessageKind.Aborted:
                    if (!_closing) _context.Ledger.Close(Id, Session?.Id, ShardId, byServer: false, code: null, closeFrame: false);
                    return;
                case WsMessageKind.Oversize:
                    _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), true, null, null, null, message.Size, message.Size, 1, "oversize"));
                    CloseFromServer(4002, "Payload too large", injected: false);
                    return;
            }

            if (_closing) continue;
            if (message.Size > options.MaxClientPayloadBytes)
            {
                _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), true, null, null, null, message.Size, message.Size, 1, "over 4096"));
                CloseFromServer(4002, "Payload too large", injected: false);
                return;
            }

            var inWindow = _commands.Count(_context.Time.GetUtcNow());
            if (inWindow > _recordedCommandPeak)
            {
                // the report's peak must cover connections that stayed under the limit too.
                _recordedCommandPeak = inWindow;
                _context.Ledger.CommandPeak(Id, inWindow);
            }

            if (inWindow > options.CommandLimit)
            {
                CloseFromServer(4008, "Rate limited", injected: false);
                return;
            }

            HandlePayload(message.Data.Span);
            if (_closing && State == ConnectionState.Closed) return;
        }
    }

    private void OnClientClose(int? code)
    {
        _context.Ledger.Close(Id, Session?.Id, ShardId, byServer: false, code, closeFrame: true);
        // only 1000/1001 from the client invalidate the session.
        if (code is 1000 or 1001) EndSession(detachOnly: false, reason: $"client close {code}", injected: false, closedByClient: true);
        else EndSession(detachOnly: true, reason: $"client close {code}", injected: false);
    }

    /// <summary>The one place a connection lets go of its session.</summary>
    private void EndSession(bool detachOnly, string reason, bool injected, int? serverCloseCode = null, bool closedByClient = false)
    {
        SimSession? session;
        lock (_stateGate)
        {
            session = Session;
            if (session is null) return;
            if (detachOnly && session.AttachedConnection != this) return;
            Session = null;
            _lastShardId = session.ShardId;
        }

        var app = _context.App;
        if (detachOnly)
        {
            if (session.Detach(this))
            {
                _context.Ledger.Session(SessionEventKind.Detached, app.Id, session.ShardId, session.NumShards, session.Id, Id, Listener, reason, injected, serverCloseCode);
            }
        }
        else if (session.Invalidate(reason))
        {
            _context.Ledger.Session(SessionEventKind.Invalidated, app.Id, session.ShardId, session.NumShards, session.Id, Id, Listener, reason, injected, serverCloseCode);
            app.Forget(session, reason, closedByClient);
        }

        _context.Changed.Pulse();
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in _outbound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (_ws.IsBlackholed) continue;
                switch (item.Kind)
                {
                    case OutboundKind.Frame:
                        await SendJsonAsync(item.Frame!, null, ct).ConfigureAwait(false);
                        break;
                    case OutboundKind.Dispatch:
                        _frame.ResetWrittenCount();
                        ServerFrames.WriteDispatch(_frame, item.Dispatch.Type, item.Dispatch.Seq, item.Dispatch.Data.Span);
                        // Before the send: the client may answer with a heartbeat before this task resumes.
                        InterlockedMax(ref _highestSentSeq, item.Dispatch.Seq);
                        await SendJsonAsync(_frame.WrittenMemory, item.Dispatch, ct).ConfigureAwait(false);
                        _context.Ledger.Sent(item.Session!.Id, item.Dispatch.Seq, Id, item.Delivery);
                        AfterDispatchSent();
                        break;
                    case OutboundKind.UsePayloadCompression:
                        _encoder.Dispose();
                        _encoder = GatewayEncoders.Create(TransportCompression.None, payloadCompression: true, _context.Options.PayloadCompressThresholdBytes);
                        break;
                    case OutboundKind.Close:
                        await _ws.CloseAsync(item.CloseCode, item.Reason ?? "", ct).ConfigureAwait(false);
                        await _stop.CancelAsync().ConfigureAwait(false);
                        return;
                    case OutboundKind.Fin:
                        _ws.AbortWithFin();
                        await _stop.CancelAsync().ConfigureAwait(false);
                        return;
                    case OutboundKind.Rst:
                        _ws.AbortWithRst();
                        await _stop.CancelAsync().ConfigureAwait(false);
                        return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            // Transport gone: the receive loop ends the session.
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private void Note(string note) =>
        _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), false, null, null, null, 0, 0, 0, note));
}
