using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using System.Web;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Tests.Gateway.Compression;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>
/// One scripted gateway connection. The test plays the server (Send*, CloseFromServer, Drop) and reads
/// what the shard sent (NextSentAsync). Frames are encoded the way the shard asked in the URL's
/// <c>compress</c> parameter, with a fresh compression context per connection, as Discord does.
/// </summary>
internal sealed class FakeGatewayConnection : IGatewayTransport
{
    private readonly FakeGatewayServer _server;
    private readonly Channel<Frame> _inbound = Channel.CreateUnbounded<Frame>();
    private readonly Channel<SentPayload> _sent = Channel.CreateUnbounded<SentPayload>();
    private readonly ConcurrentQueue<SentPayload> _history = new();
    private readonly TaskCompletionSource<int> _clientClose = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _encodeLock = new();
    private ZlibStreamCompressor? _zlib;
    private ZstdStreamCompressor? _zstd;
    private volatile bool _closedByClient;
    private volatile bool _aborted;

    private int? _peerCloseRacingSends;

    public FakeGatewayConnection(FakeGatewayServer server) => _server = server;

    public Uri? Url { get; private set; }

    /// <summary>The <c>compress</c> query value the shard asked for ("" for none).</summary>
    public string Compression { get; private set; } = "";

    /// <summary>Answer each heartbeat with an ACK queued behind whatever the server already sent.</summary>
    public bool AutoAckHeartbeats { get; set; } = true;

    public bool Aborted => _aborted;

    /// <summary>Frames the server queued that the shard has not read yet.</summary>
    public int PendingFrames => _inbound.Reader.Count;

    public IReadOnlyList<SentPayload> Sent => [.. _history];

    public int CountSent(int op) => _history.Count(p => p.Op == op);

    // ---- the shard's side (IGatewayTransport) ----

    public ValueTask ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Url = url;
        Compression = HttpUtility.ParseQueryString(url.Query)["compress"] ?? "";
        _zlib = Compression == "zlib-stream" ? new ZlibStreamCompressor() : null;
        _zstd = Compression == "zstd-stream" ? new ZstdStreamCompressor() : null;
        _server.Accept(this, url);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<TransportReceiveResult> ReceiveAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        Frame frame;
        try
        {
            frame = await _inbound.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new GatewayTransportException("The fake connection was dropped.", ex);
        }

        if (frame.CloseCode is not null || frame.IsClose)
        {
            return TransportReceiveResult.Closed(frame.CloseCode, frame.CloseReason);
        }

        destination.Write(frame.Data);
        var type = frame.Binary ? TransportMessageType.Binary : TransportMessageType.Text;
        return TransportReceiveResult.Data(type, frame.Data.Length, frame.EndOfMessage);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_closedByClient || _aborted)
        {
            throw new GatewayTransportException("Send on a closed fake connection.");
        }

        if (_peerCloseRacingSends is { } code)
        {
            throw new GatewayTransportException(
                "The WebSocket is in an invalid state ('Closed').", new InvalidOperationException("closed"), code, peerClosed: true);
        }

        var sent = SentPayload.Parse(payload.Span);
        _history.Enqueue(sent);
        _sent.Writer.TryWrite(sent);
        if (AutoAckHeartbeats && sent.Op == 1)
        {
            SendJson("""{"t":null,"s":null,"op":11,"d":null}""");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        _closedByClient = true;
        _clientClose.TrySetResult(code);

        // Like a real gateway, answer the close frame with the same code.
        _inbound.Writer.TryWrite(Frame.Close(code, reason));
        return ValueTask.CompletedTask;
    }

    public void Abort()
    {
        _aborted = true;
        _inbound.Writer.TryComplete();
    }

    public ValueTask DisposeAsync()
    {
        _inbound.Writer.TryComplete();
        lock (_encodeLock)
        {
            _zlib?.Dispose();
            _zstd?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    // ---- the server's side (the test) ----

    public void SendJson(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        lock (_encodeLock)
        {
            if (_zlib is not null)
            {
                _inbound.Writer.TryWrite(Frame.Message(_zlib.Compress(bytes), binary: true));
            }
            else if (_zstd is not null)
            {
                _inbound.Writer.TryWrite(Frame.Message(_zstd.Compress(bytes), binary: true));
            }
            else
            {
                _inbound.Writer.TryWrite(Frame.Message(bytes, binary: false));
            }
        }
    }

    /// <summary>Queues bytes exactly as given, bypassing the connection's compression.</summary>
    public void SendRaw(byte[] data, bool binary, bool endOfMessage = true) =>
        _inbound.Writer.TryWrite(Frame.Message(data, binary, endOfMessage));

    public void SendHello(int heartbeatIntervalMs = 41250) =>
        SendJson($$$"""{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":{{{heartbeatIntervalMs}}},"_trace":["fake"]}}""");

    public void SendReady(string sessionId, string resumeUrl, long sequence = 1) =>
        SendJson($$$"""{"t":"READY","s":{{{sequence}}},"op":0,"d":{"v":10,"session_id":"{{{sessionId}}}","resume_gateway_url":"{{{resumeUrl}}}","guilds":[],"_trace":["fake"]}}""");

    public void SendResumed(long sequence) =>
        SendJson($$$"""{"t":"RESUMED","s":{{{sequence}}},"op":0,"d":{"_trace":["fake"]}}""");

    public void SendDispatch(long sequence, string eventType = "MESSAGE_CREATE", string data = """{"guild_id":"81384788765712384","content":"hi"}""") =>
        SendJson($$"""{"t":"{{eventType}}","s":{{sequence}},"op":0,"d":{{data}}}""");

    public void SendHeartbeatRequest() => SendJson("""{"t":null,"s":null,"op":1,"d":null}""");

    public void SendReconnect() => SendJson("""{"t":null,"s":null,"op":7,"d":null}""");

    public void SendInvalidSession(bool resumable) =>
        SendJson($$"""{"t":null,"s":null,"op":9,"d":{{(resumable ? "true" : "false")}}}""");

    public void CloseFromServer(int code, string reason = "") => _inbound.Writer.TryWrite(Frame.Close(code, reason));

    /// <summary>
    /// The gateway's close frame with <paramref name="code"/> arrived, but a send gets to the socket before the
    /// receive loop reads it: every send from now on fails like ClientWebSocket's does, naming the peer's code.
    /// </summary>
    public void CloseFromServerRacingTheNextSend(int code) => _peerCloseRacingSends = code;

    /// <summary>Breaks the connection without a close frame (TCP reset).</summary>
    public void Drop() => _inbound.Writer.TryComplete();

    /// <summary>The next payload the shard sent, of any op.</summary>
    public Task<SentPayload> NextSentAsync() => Waits.ForAsync(_sent.Reader.ReadAsync().AsTask(), "the shard's next payload");

    /// <summary>The next payload with <paramref name="op"/>, skipping others (heartbeats, commands...).</summary>
    public Task<SentPayload> NextSentAsync(int op) => Waits.ForAsync(ReadUntilAsync(op), $"the shard to send op {op}");

    /// <summary>The close code the shard closed with.</summary>
    public Task<int> ClientCloseCodeAsync() => Waits.ForAsync(_clientClose.Task, "the shard to close the connection");

    public bool ClosedByClient => _closedByClient;

    private async Task<SentPayload> ReadUntilAsync(int op)
    {
        while (true)
        {
            var next = await _sent.Reader.ReadAsync();
            if (next.Op == op)
            {
                return next;
            }
        }
    }

    private sealed record Frame(byte[] Data, bool Binary, bool EndOfMessage, int? CloseCode, string? CloseReason, bool IsClose)
    {
        public static Frame Message(byte[] data, bool binary, bool endOfMessage = true) => new(data, binary, endOfMessage, null, null, false);

        public static Frame Close(int? code, string reason) => new([], false, true, code, reason, true);
    }
}
