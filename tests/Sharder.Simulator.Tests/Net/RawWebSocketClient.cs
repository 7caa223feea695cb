using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

/// <summary>
/// A frame-level WebSocket client written from RFC 6455 for the tests, so they can see exactly which
/// frames the server writes (fragments, interleaved pings) and send requests ClientWebSocket cannot.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocketClient(TcpClient tcp, string responseHead)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        ResponseHead = responseHead;
    }

    public string ResponseHead { get; }

    public static async Task<TcpClient> ConnectTcpAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).Within("TCP connect");
        return tcp;
    }

    /// <summary>Opens a WebSocket with <paramref name="target"/> as the request target, optionally sending bytes right behind the request.</summary>
    public static async Task<RawWebSocketClient> ConnectAsync(int port, string target, byte[]? sentWithRequest = null)
    {
        var tcp = await ConnectTcpAsync(port);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = Encoding.ASCII.GetBytes(
            $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await tcp.GetStream().WriteAsync(request.Concat(sentWithRequest ?? []).ToArray());

        var head = await ReadHeadAsync(tcp.GetStream()).Within("the 101 response");
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        Assert.Contains($"Sec-WebSocket-Accept: {ExpectedAccept(key)}\r\n", head, StringComparison.Ordinal);
        return new RawWebSocketClient(tcp, head);
    }

    /// <summary>Reads an HTTP response head byte by byte, so nothing after it is consumed.</summary>
    public static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!head.AsEnumerable().Reverse().Take(4).SequenceEqual("\n\r\n\r"u8.ToArray()))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new EndOfStreamException("Connection closed inside the response head.");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }

    public Task<RawFrame> ReadFrameAsync() => ReadFrameCoreAsync().Within("a frame from the server");

    /// <summary>Frames until (and including) the final frame of the next data message, control frames included.</summary>
    public async Task<List<RawFrame>> ReadMessageFramesAsync()
    {
        var frames = new List<RawFrame>();
        while (true)
        {
            var frame = await ReadFrameAsync();
            frames.Add(frame);
            if (frame.IsFinal && frame.Opcode is RawFrame.Text or RawFrame.Binary or RawFrame.Continuation)
            {
                return frames;
            }
        }
    }

    /// <summary>Reads until the server ends the stream and returns what arrived before the end.</summary>
    public Task<byte[]> ReadToEndAsync() => ReadToEndCoreAsync().Within("the server to end the stream");

    /// <summary>Sends one masked client frame.</summary>
    public async Task SendFrameAsync(byte opcode, bool isFinal, byte[] payload) =>
        await _stream.WriteAsync(EncodeClientFrame(opcode, isFinal, payload));

    public static byte[] EncodeClientFrame(byte opcode, bool isFinal, byte[] payload)
    {
        var frame = new List<byte> { (byte)((isFinal ? 0x80 : 0) | opcode) };
        if (payload.Length <= 125)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        return frame.ToArray();
    }

    /// <summary>RFC 6455 §4.2.2 accept value, computed independently of the server's code.</summary>
    public static string ExpectedAccept(string key)
    {
#pragma warning disable CA5350 // SHA-1 is what RFC 6455 prescribes here; not a security use.
        return Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadToEndCoreAsync()
    {
        using var received = new MemoryStream();
        await _stream.CopyToAsync(received);
        return received.ToArray();
    }

    private async Task<RawFrame> ReadFrameCoreAsync()
    {
        var header = new byte[2];
        await _stream.ReadExactlyAsync(header);
        var isMasked = (header[1] & 0x80) != 0;
        long length = header[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var mask = new byte[4];
        if (isMasked)
        {
            await _stream.ReadExactlyAsync(mask);
        }

        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload);
        for (var i = 0; i < payload.Length && isMasked; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        return new RawFrame((header[0] & 0x80) != 0, (byte)(header[0] & 0x0F), isMasked, payload);
    }
}
