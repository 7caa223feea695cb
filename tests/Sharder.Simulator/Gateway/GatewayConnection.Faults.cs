using Sharder.Simulator.Compression;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Net;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Gateway;

/// <summary>Injected faults and the send path they shape.</summary>
internal sealed partial class GatewayConnection
{
    private readonly object _faultGate = new();
    private readonly List<(FaultSpec Spec, int Remaining)> _dispatchTriggers = [];
    private bool _dropAcks;
    private int _ackDelayMaxMs;
    private int _zlibSplitPieces;
    private SendShape? _shape;
    private bool _corruptNext;
    private Random? _faultRng;

    /// <summary>Applies or arms one fault on this connection.</summary>
    public void Inject(FaultSpec spec)
    {
        switch (spec.Trigger)
        {
            case FaultTrigger.AfterDispatches:
            case FaultTrigger.Probabilistic:
                lock (_faultGate) _dispatchTriggers.Add((spec, spec.AfterDispatches));
                return;
            case FaultTrigger.At:
                ITimer? timer = null;
                timer = _context.Time.CreateTimer(_ =>
                {
                    timer?.Dispose();
                    Apply(spec);
                }, null, TimeSpan.FromMilliseconds(spec.AtMs), Timeout.InfiniteTimeSpan);
                return;
            default:
                Apply(spec);
                return;
        }
    }

    private void Apply(FaultSpec spec)
    {
        Note($"fault: {spec.Kind}");
        switch (spec.Kind)
        {
            case FaultKind.Reconnect:
                EnqueueFrame(ServerFrames.Reconnect);
                ScheduleGraceClose(spec.CloseCode, injected: true);
                break;
            case FaultKind.InvalidSession:
                SendInvalidSession(spec.Resumable, reason: "injected op 9", injected: true);
                break;
            case FaultKind.Fin:
                AbortFromServer(OutboundKind.Fin, injected: true);
                break;
            case FaultKind.Rst:
                AbortFromServer(OutboundKind.Rst, injected: true);
                break;
            case FaultKind.Blackhole:
                _ws.Blackhole();
                _context.Ledger.Close(Id, Session?.Id, ShardId, byServer: true, code: null, closeFrame: false);
                EndSession(detachOnly: true, reason: "blackhole", injected: true);
                break;
            case FaultKind.DropAcks:
                _dropAcks = true;
                break;
            case FaultKind.DelayAcks:
                _ackDelayMaxMs = Math.Max(1, spec.DelayMs);
                break;
            case FaultKind.RequestHeartbeat:
                EnqueueFrame(ServerFrames.HeartbeatRequest);
                break;
            case FaultKind.Close:
                CloseFromServer(spec.CloseCode ?? 4000, "injected close", injected: true);
                break;
            case FaultKind.SplitZlib:
                _zlibSplitPieces = Math.Max(2, spec.Pieces);
                _faultRng ??= new Random(_context.Options.Seed ^ (int)Id);
                break;
            case FaultKind.Fragment:
                _shape = new SendShape { FragmentSize = Math.Max(1, spec.FragmentSize), PingBetweenFragments = spec.PingBetweenFragments };
                break;
            case FaultKind.Corrupt:
                _corruptNext = true;
                _faultRng ??= new Random(_context.Options.Seed ^ (int)Id);
                break;
            case FaultKind.ClearModes:
                _dropAcks = false;
                _ackDelayMaxMs = 0;
                _zlibSplitPieces = 0;
                _shape = null;
                break;
            case FaultKind.ExpireSession:
                Session?.ExpireByFault(Id, Listener);
                break;
        }

        _context.Changed.Pulse();
    }

    /// <summary>Op 9: false ends the session; true keeps it resumable. The socket stays open .</summary>
    private void SendInvalidSession(bool resumable, string reason, bool injected)
    {
        EnqueueFrame(resumable ? ServerFrames.InvalidSessionTrue : ServerFrames.InvalidSessionFalse);
        EndSession(detachOnly: resumable, reason: reason, injected: injected);
        lock (_stateGate)
        {
            if (State != ConnectionState.Closed) State = ConnectionState.Invalidated;
        }

        if (_context.Options.InvalidSessionCloseDelayMs is { } delay) ScheduleGraceClose(4000, injected, delay);
    }

    /// <summary>After op 7 the server closes a few seconds later (F1): FIN unless a code is given.</summary>
    private void ScheduleGraceClose(int? code, bool injected, int? delayMs = null)
    {
        ITimer? timer = null;
        timer = _context.Time.CreateTimer(_ =>
        {
            timer?.Dispose();
            if (code is { } c) CloseFromServer(c, "reconnect", injected);
            else AbortFromServer(OutboundKind.Fin, injected);
        }, null, TimeSpan.FromMilliseconds(delayMs ?? _context.Options.ReconnectGraceMs), Timeout.InfiniteTimeSpan);
    }

    private void SendAck()
    {
        if (_dropAcks)
        {
            Note("ack dropped");
            return;
        }

        if (_ackDelayMaxMs > 0)
        {
            var delay = TimeSpan.FromMilliseconds(_context.NextInt(_ackDelayMaxMs + 1));
            ITimer? timer = null;
            timer = _context.Time.CreateTimer(_ =>
            {
                timer?.Dispose();
                EnqueueFrame(ServerFrames.HeartbeatAck);
            }, null, delay, Timeout.InfiniteTimeSpan);
            return;
        }

        EnqueueFrame(ServerFrames.HeartbeatAck);
    }

    private void AfterDispatchSent()
    {
        List<FaultSpec>? fire = null;
        lock (_faultGate)
        {
            for (var i = _dispatchTriggers.Count - 1; i >= 0; i--)
            {
                var (spec, remaining) = _dispatchTriggers[i];
                var fires = spec.Trigger == FaultTrigger.Probabilistic
                    ? (_faultRng ??= new Random(_context.Options.Seed ^ (int)Id)).NextDouble() < spec.Probability
                    : --remaining <= 0;
                if (fires)
                {
                    _dispatchTriggers.RemoveAt(i);
                    (fire ??= []).Add(spec);
                }
                else
                {
                    _dispatchTriggers[i] = (spec, remaining);
                }
            }
        }

        if (fire is null) return;
        foreach (var spec in fire) Apply(spec);
    }

    /// <summary>Encodes one gateway message and puts it on the wire, shaped by the active faults.</summary>
    private async ValueTask SendJsonAsync(ReadOnlyMemory<byte> json, BufferedDispatch? dispatch, CancellationToken ct)
    {
        var encoded = _encoder.Encode(json.Span);
        var data = encoded.Data;
        if (_corruptNext && encoded.Binary)
        {
            _corruptNext = false;
            data = Corruption.FlipBytes(data.Span, _faultRng!, 4);
            Note("corrupted");
        }

        var messages = 1;
        if (_zlibSplitPieces > 1 && Compression == TransportCompression.ZlibStream)
        {
            var pieces = SplitZlib(data);
            messages = pieces.Count;
            foreach (var piece in pieces) await _ws.SendAsync(piece, binary: true, _shape, ct).ConfigureAwait(false);
        }
        else
        {
            await _ws.SendAsync(data, encoded.Binary, _shape, ct).ConfigureAwait(false);
        }

        if (_context.Options.TranscriptDepth > 0)
        {
            int? op = dispatch is null ? PeekOp(json.Span) : 0;
            _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), false, op, dispatch?.Type, dispatch?.Seq, json.Length, data.Length, messages));
        }
    }

    /// <summary>
    /// Splits into the configured number of pieces, or into as many as the message allows: a small message
    /// such as a compressed ACK may have fewer allowed split points, and the splitter throws rather than
    /// breaking the suffix rule. An exception here would end the writer and silence the connection.
    /// </summary>
    private IReadOnlyList<ReadOnlyMemory<byte>> SplitZlib(ReadOnlyMemory<byte> data)
    {
        var pieces = Math.Min(_zlibSplitPieces, ZlibSplitter.MaxPieces(data.Span));
        return pieces < 2 ? [data] : ZlibSplitter.Split(data, pieces, _faultRng!);
    }

    private static int? PeekOp(ReadOnlySpan<byte> json)
    {
        var index = json.IndexOf("\"op\":"u8);
        if (index < 0) return null;
        return System.Buffers.Text.Utf8Parser.TryParse(json[(index + 5)..], out int op, out _) ? op : null;
    }
}
