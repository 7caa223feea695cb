using System.IO.Compression;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Sharder.Simulator.Events;
using Sharder.Simulator.Ledger;
using ZstdSharp;

namespace Sharder.Simulator.Tests.RawClient;

/// <summary>
/// A deliberately plain gateway client for simulator tests: a <see cref="ClientWebSocket"/>, an
/// independent decoder (BCL ZLibStream / ZstdSharp stream) and JsonDocument. It is not the product's
/// shard client; it does exactly what each test tells it and records what it received.
/// </summary>
internal sealed class RawGatewayClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<RawFrame> _frames = Channel.CreateUnbounded<RawFrame>();
    private readonly FeedStream _feed = new();
    private readonly string? _compress;
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _pendingWire = new();
    private readonly List<RawFrame> _received = [];
    private readonly List<SinkRecord> _published = [];
    private int _pendingMessages;
    private Stream? _inflater;
    private Task? _reader;

    private RawGatewayClient(string? compress) => _compress = compress;

    public int ShardId { get; set; }
    public string? SessionId { get; set; }
    public string? ResumeUrl { get; set; }
    public long? LastSeq { get; set; }
    public int? HeartbeatInterval { get; private set; }
    public int? CloseCode { get; private set; }
    public bool ClosedWithoutFrame { get; private set; }
    public Exception? ReceiveError { get; private set; }
    /// <summary>Every dispatch as a sink record, in arrival order (a snapshot: the reader keeps appending).</summary>
    public IReadOnlyList<SinkRecord> Published
    {
        get { lock (_received) return [.. _published]; }
    }

    /// <summary>Every decoded frame, in arrival order (a snapshot: the reader keeps appending).</summary>
    public IReadOnlyList<RawFrame> AllFrames
    {
        get { lock (_received) return [.. _received]; }
    }

    public int WsMessages { get; private set; }

    /// <summary>Connects; <paramref name="query"/> replaces the default <c>v=10&amp;encoding=json</c> (the compress parameter is still added).</summary>
    public static async Task<RawGatewayClient> ConnectAsync(string baseUrl, string? compress = null, string path = "/", string? query = null, CancellationToken ct = default)
    {
        var client = new RawGatewayClient(compress);
        var uri = new Uri($"{baseUrl.TrimEnd('/')}{path}?{query ?? "v=10&encoding=json"}{(compress is null ? "" : "&compress=" + compress)}");
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._socket.ConnectAsync(uri, ct);
        client._inflater = compress switch
        {
            "zlib-stream" => new ZLibStream(client._feed, CompressionMode.Decompress),
            "zstd-stream" => new DecompressionStream(client._feed, checkEndOfStream: false),
            _ => null,
        };
        client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        return client;
    }

    public async Task<RawFrame> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame arrived in time");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"connection closed (code {CloseCode?.ToString() ?? "none"}, error {ReceiveError?.Message})");
        }
    }

    /// <summary>Reads frames until one matches; dispatches are recorded on the way.</summary>
    public async Task<RawFrame> WaitForAsync(Func<RawFrame, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("no matching frame arrived in time");
            var frame = await NextAsync(left);
            if (match(frame)) return frame;
        }
    }

    public Task<RawFrame> WaitForDispatchAsync(string type, TimeSpan? timeout = null) => WaitForAsync(f => f.Op == 0 && f.Type == type, timeout);

    /// <summary>Waits for the server to end the connection; returns its close code (null for FIN/RST).</summary>
    public async Task<int?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (await _frames.Reader.WaitToReadAsync(cts.Token)) _frames.Reader.TryRead(out _);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the server did not close the connection in time");
        }

        return CloseCode;
    }

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBytesAsync(ReadOnlyMemory<byte> data, bool binary) =>
        _socket.SendAsync(data, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None).AsTask();

    /// <summary>Takes over a session another client identified, as a resuming client does.</summary>
    public void ContinueSessionOf(RawGatewayClient previous)
    {
        ShardId = previous.ShardId;
        SessionId = previous.SessionId;
        ResumeUrl = previous.ResumeUrl;
        LastSeq = previous.LastSeq;
    }

    public Task IdentifyAsync(string token, int shardId = 0, int numShards = 1, int intents = 513, bool compress = false)
    {
        ShardId = shardId;
        return SendAsync($$$"""{"op":2,"d":{"token":"{{{token}}}","intents":{{{intents}}},"properties":{"os":"linux","browser":"raw-test","device":"raw-test"},"compress":{{{(compress ? "true" : "false")}}},"shard":[{{{shardId}}},{{{numShards}}}]}}""");
    }

    public Task ResumeAsync(string token, string sessionId, long seq) =>
        SendAsync($$$"""{"op":6,"d":{"token":"{{{token}}}","session_id":"{{{sessionId}}}","seq":{{{seq}}}}}""");

    public Task HeartbeatAsync() => SendAsync("{\"op\":1,\"d\":" + (LastSeq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null") + "}");

    public async Task CloseAsync(int code)
    {
        try
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)code, "test", CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Abort() => _socket.Abort();

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseCode = (int?)result.CloseStatus;
                    await EchoCloseAsync(result.CloseStatus);
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                WsMessages++;
                var bytes = message.ToArray();
                message.SetLength(0);
                Decode(bytes, result.MessageType == WebSocketMessageType.Binary);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or InvalidDataException or ZstdException or ObjectDisposedException)
        {
            ReceiveError = ex;
            ClosedWithoutFrame = CloseCode is null;
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    /// <summary>Answers the server's close frame, as a well-behaved client does (RFC 6455 §5.5.1).</summary>
    private async Task EchoCloseAsync(WebSocketCloseStatus? status)
    {
        try
        {
            await _socket.CloseOutputAsync(status ?? WebSocketCloseStatus.Empty, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The server already dropped the connection.
        }
    }

    private void Decode(byte[] bytes, bool binary)
    {
        byte[] json;
        _pendingWire.Write(bytes);
        _pendingMessages++;
        if (_inflater is not null)
        {
            // zlib-stream: only a message ending in the sync-flush suffix completes a gateway message.
            _feed.Push(bytes);
            if (_compress == "zlib-stream" && !bytes.AsSpan().EndsWith((byte[])[0x00, 0x00, 0xFF, 0xFF])) return;
            var output = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = _inflater.Read(chunk, 0, chunk.Length)) > 0) output.Write(chunk, 0, n);
            json = output.ToArray();
        }
        else if (binary)
        {
            using var payload = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var output = new MemoryStream();
            payload.CopyTo(output);
            json = output.ToArray();
        }
        else
        {
            json = bytes;
        }

        var wire = _pendingWire.ToArray();
        var messages = _pendingMessages;
        _pendingWire.SetLength(0);
        _pendingMessages = 0;

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var op = root.GetProperty("op").GetInt32();
        var type = root.GetProperty("t").ValueKind == JsonValueKind.String ? root.GetProperty("t").GetString() : null;
        long? seq = root.GetProperty("s").ValueKind == JsonValueKind.Number ? root.GetProperty("s").GetInt64() : null;
        var frame = new RawFrame(op, type, seq, root.GetProperty("d").Clone(), Encoding.UTF8.GetString(json), binary, wire, messages);
        if (op == 10) HeartbeatInterval = frame.Data.GetProperty("heartbeat_interval").GetInt32();
        if (op == 0)
        {
            if (type == "READY")
            {
                SessionId = frame.Data.GetProperty("session_id").GetString();
                ResumeUrl = frame.Data.GetProperty("resume_gateway_url").GetString();
            }

            LastSeq = seq;
            long? uid = SimEventUid.TryReadFromPayload(json, out var found) ? found : null;
            lock (_received) _published.Add(new SinkRecord(ShardId, SessionId, seq, type!, uid));
        }

        lock (_received) _received.Add(frame);
        _frames.Writer.TryWrite(frame);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        if (_reader is not null) await _reader;
        _socket.Dispose();
        _stop.Dispose();
    }
}
