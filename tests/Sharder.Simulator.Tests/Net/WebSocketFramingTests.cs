using System.Net.WebSockets;
using System.Text;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class WebSocketFramingTests
{
    [Fact]
    public async Task Fragments_with_interleaved_pings_go_out_in_order()
    {
        await using var server = TestServer.Start();
        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/");
        var (_, connection) = await server.NextConnection();
        var payload = RandomBytes(seed: 1, length: 10_000);

        await connection.SendAsync(payload, binary: true, new SendShape { FragmentSize = 1000, PingBetweenFragments = true }, CancellationToken.None);
        var frames = await client.ReadMessageFramesAsync();

        Assert.Equal(19, frames.Count);
        Assert.All(frames, f => Assert.False(f.IsMasked));
        var data = frames.Where((_, i) => i % 2 == 0).ToList();
        var pings = frames.Where((_, i) => i % 2 == 1).ToList();
        Assert.All(pings, p => Assert.Equal((RawFrame.Ping, true), (p.Opcode, p.IsFinal)));
        Assert.Equal(RawFrame.Binary, data[0].Opcode);
        Assert.All(data.Skip(1), f => Assert.Equal(RawFrame.Continuation, f.Opcode));
        Assert.All(data.SkipLast(1), f => Assert.False(f.IsFinal));
        Assert.True(data[^1].IsFinal);
        Assert.All(data, f => Assert.Equal(1000, f.Payload.Length));
        Assert.Equal(payload, data.SelectMany(f => f.Payload).ToArray());
        Assert.Equal(payload.Length, connection.BytesOut);
    }

    [Fact]
    public async Task Fragments_without_pings_are_plain_continuation_frames()
    {
        await using var server = TestServer.Start();
        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/");
        var (_, connection) = await server.NextConnection();
        var payload = Encoding.UTF8.GetBytes("""{"t":null,"s":null,"op":11,"d":null}""");

        await connection.SendAsync(payload, binary: false, new SendShape { FragmentSize = 8 }, CancellationToken.None);
        var frames = await client.ReadMessageFramesAsync();

        Assert.Equal([RawFrame.Text, 0, 0, 0, 0], frames.Select(f => f.Opcode));
        Assert.Equal([8, 8, 8, 8, 4], frames.Select(f => f.Payload.Length));
        Assert.Equal(payload, frames.SelectMany(f => f.Payload).ToArray());
    }

    [Theory]
    [InlineData(700, 300)] // 16-bit extended lengths
    [InlineData(200_000, 70_000)] // 64-bit extended lengths
    public async Task Raw_fragments_use_the_right_length_encoding(int length, int fragmentSize)
    {
        await using var server = TestServer.Start();
        await using var client = await RawWebSocketClient.ConnectAsync(server.Port, "/");
        var (_, connection) = await server.NextConnection();
        var payload = RandomBytes(seed: length, length);

        await connection.SendAsync(payload, binary: true, new SendShape { FragmentSize = fragmentSize, PingBetweenFragments = true }, CancellationToken.None);
        var frames = await client.ReadMessageFramesAsync();

        var data = frames.Where(f => f.Opcode != RawFrame.Ping).ToList();
        Assert.Equal(payload, data.SelectMany(f => f.Payload).ToArray());
        Assert.Equal(data.Count - 1, frames.Count(f => f.Opcode == RawFrame.Ping));
    }

    [Fact]
    public async Task ClientWebSocket_reassembles_one_byte_fragments_with_pings_and_split_utf8()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"content\":\"héllo wörld ✓\"}", 100)));

        await ends.Connection.SendAsync(payload, binary: false, new SendShape { FragmentSize = 1, PingBetweenFragments = true }, CancellationToken.None);
        var (type, data, frames) = await ends.Client.ReceiveMessageAsync();

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(payload, data);
        Assert.Equal(payload.Length, frames);
    }

    [Fact]
    public async Task Concurrent_senders_never_interleave_their_frames()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        const int Senders = 6;
        const int MessagesEach = 15;
        var shapes = new[]
        {
            null,
            new SendShape { FragmentSize = 333 },
            new SendShape { FragmentSize = 512, PingBetweenFragments = true },
        };

        var sending = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < MessagesEach; i++)
            {
                var payload = Enumerable.Repeat((byte)(sender * MessagesEach + i), 3000).ToArray();
                await ends.Connection.SendAsync(payload, binary: true, shapes[(sender + i) % shapes.Length], CancellationToken.None);
            }
        })).ToList();

        var seen = new HashSet<byte>();
        for (var n = 0; n < Senders * MessagesEach; n++)
        {
            var (_, data, _) = await ends.Client.ReceiveMessageAsync();
            Assert.Equal(3000, data.Length);
            Assert.All(data, b => Assert.Equal(data[0], b));
            Assert.True(seen.Add(data[0]), $"message {data[0]} arrived twice");
        }

        await Task.WhenAll(sending).Within("all senders");
        Assert.Equal(Senders * MessagesEach * 3000, ends.Connection.BytesOut);
    }

    [Fact]
    public async Task An_oversize_inbound_message_is_reported_and_drained()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();
        var (client, connection) = (ends.Client, ends.Connection);

        await client.SendTextAsync(new byte[5000]);
        await client.SendAsync(new byte[2000], WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await client.SendAsync(new byte[2000], WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await client.SendAsync(new byte[2000], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        await client.SendTextAsync(new byte[4096]);
        await client.SendTextAsync("""{"op":1,"d":null}"""u8.ToArray());

        var single = await connection.ReceiveAsync(4096, CancellationToken.None).Within("the oversize message");
        var fragmented = await connection.ReceiveAsync(4096, CancellationToken.None).Within("the fragmented oversize message");
        var atLimit = await connection.ReceiveAsync(4096, CancellationToken.None).Within("the message at the limit");
        var next = await connection.ReceiveAsync(4096, CancellationToken.None).Within("the next message");

        Assert.Equal((WsMessageKind.Oversize, 5000, 0), (single.Kind, single.Size, single.Data.Length));
        Assert.Equal((WsMessageKind.Oversize, 6000, 0), (fragmented.Kind, fragmented.Size, fragmented.Data.Length));
        Assert.Equal((WsMessageKind.Text, 4096), (atLimit.Kind, atLimit.Data.Length));
        Assert.Equal("""{"op":1,"d":null}""", Encoding.UTF8.GetString(next.Data.Span));
        Assert.Equal(5000 + 6000 + 4096 + 17, connection.BytesIn);
    }

    [Fact]
    public async Task A_fragment_size_below_one_is_rejected()
    {
        await using var server = TestServer.Start();
        using var ends = await server.ConnectAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ends.Connection.SendAsync(new byte[4], true, new SendShape { FragmentSize = 0 }, CancellationToken.None).AsTask());
    }

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
