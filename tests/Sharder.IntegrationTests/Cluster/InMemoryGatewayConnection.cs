using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// One connection of an <see cref="InMemoryGateway"/>: uncompressed text frames through a channel. It says
/// Hello on connect, answers Identify with READY, Resume with RESUMED and a heartbeat with ACK; commands
/// are ignored. The shard must ask for no transport compression (<c>Gateway:Compression None</c>).
/// </summary>
internal sealed class InMemoryGatewayConnection(InMemoryGateway gateway) : IGatewayTransport
{
    private const string HeartbeatAck = """{"op":11,"d":null}""";

    private readonly Channel<Frame> _inbound = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
    private Uri? _url;
    private int _closed;

    public ValueTask ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (url.Query.Contains("compress=", StringComparison.Ordinal))
        {
            throw new GatewayTransportException($"The in-memory gateway speaks no transport compression; the shard asked for {url.Query}.");
        }

        _url = url;
        gateway.OnConnected();
        Write(string.Create(CultureInfo.InvariantCulture, $$$"""{"op":10,"d":{"heartbeat_interval":{{{gateway.HeartbeatIntervalMs}}}}}"""));
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
            throw new GatewayTransportException("The in-memory connection was aborted.", ex);
        }

        if (frame.CloseCode is { } code)
        {
            return TransportReceiveResult.Closed(code, "");
        }

        destination.Write(frame.Data);
        return TransportReceiveResult.Data(TransportMessageType.Text, frame.Data.Length, endOfMessage: true);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _closed) != 0)
        {
            throw new GatewayTransportException("Send on a closed in-memory connection.");
        }

        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        switch (root.GetProperty("op").GetInt32())
        {
            case 1:
                Write(HeartbeatAck);
                break;
            case 2:
                var shardId = root.GetProperty("d").GetProperty("shard")[0].GetInt32();
                gateway.OnIdentify(shardId);
                var resumeUrl = $"{_url!.Scheme}://{_url.Authority}";
                Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $$$"""{"op":0,"s":1,"t":"READY","d":{"v":10,"session_id":"mem-{{{shardId}}}-{{{Guid.NewGuid():N}}}","resume_gateway_url":"{{{resumeUrl}}}","shard":{{{root.GetProperty("d").GetProperty("shard").GetRawText()}}},"guilds":[]}}"""));
                break;
            case 6:
                var sequence = root.GetProperty("d").GetProperty("seq").GetInt64();
                Write(string.Create(CultureInfo.InvariantCulture, $$$"""{"op":0,"s":{{{sequence + 1}}},"t":"RESUMED","d":{}}"""));
                break;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        // Like a gateway, answer the close frame with the same code.
        _inbound.Writer.TryWrite(new Frame([], code));
        MarkClosed();
        return ValueTask.CompletedTask;
    }

    public void Abort()
    {
        MarkClosed();
        _inbound.Writer.TryComplete();
    }

    public ValueTask DisposeAsync()
    {
        MarkClosed();
        _inbound.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void MarkClosed()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0 && _url is not null)
        {
            gateway.OnClosed();
        }
    }

    private void Write(string json) => _inbound.Writer.TryWrite(new Frame(Encoding.UTF8.GetBytes(json), null));

    private readonly record struct Frame(byte[] Data, int? CloseCode);
}
