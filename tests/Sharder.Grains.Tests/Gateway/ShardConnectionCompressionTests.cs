using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionCompressionTests
{
    [Theory]
    [InlineData(GatewayCompression.ZlibStream, "&compress=zlib-stream")]
    [InlineData(GatewayCompression.ZstdStream, "&compress=zstd-stream")]
    [InlineData(GatewayCompression.None, "")]
    public async Task Every_compression_mode_delivers_the_same_raw_json(GatewayCompression mode, string query)
    {
        await using var harness = new ShardHarness(o => o.Compression = mode);
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.SendDispatch(2, "GUILD_CREATE", """{"id":"42","name":"a guild"}""");

        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 2, "the event was delivered");
        Assert.Equal($"ws://bootstrap.test/?v=10&encoding=json{query}", connection.Url!.ToString());
        Assert.Equal("""{"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"42","name":"a guild"}}""", harness.Sink.Delivered[1].Payload);
    }

    [Fact]
    public async Task Corrupt_compressed_data_closes_with_4000_and_the_next_connection_starts_a_fresh_context()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        await harness.DeliverAsync(connection, 2);

        // 0x07: a deflate block of the reserved type 11, which no inflater accepts.
        connection.SendRaw([0x07, 0xFF, 0x00, 0x00, 0xFF, 0xFF], binary: true);

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());

        // The new connection's stream starts with a new zlib header; only a reset inflater can read it.
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal(2, resume.Data.GetProperty("seq").GetInt64());
        next.SendResumed(3);
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(3), "RESUMED was delivered");
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.DecompressionFailed]);
    }

    [Fact]
    public async Task A_zlib_message_split_over_several_websocket_messages_is_reassembled()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        using var compressor = new Compression.ZlibStreamCompressor();
        var hello = compressor.Compress("""{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}"""u8);

        connection.SendRaw(hello[..10], binary: true);
        connection.SendRaw(hello[10..], binary: true);

        await connection.NextSentAsync(2);
    }

    [Fact]
    public async Task Malformed_json_closes_with_4000_and_resumes()
    {
        await using var harness = new ShardHarness(o => o.Compression = GatewayCompression.None);
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.SendJson("""{"t":"MESSAGE_CREATE","s":2,"op":0,"d":{"content":"unterminated}""");

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(6);
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.MalformedPayload]);
        Assert.Equal([1], harness.Sink.DeliveredSequences);
    }

    [Fact]
    public async Task A_message_over_the_size_cap_closes_with_4000()
    {
        await using var harness = new ShardHarness(o =>
        {
            o.Compression = GatewayCompression.None;
            o.MaxDecompressedMessageBytes = 64 * 1024;
        });
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.SendDispatch(2, "MESSAGE_CREATE", $$"""{"content":"{{new string('x', 80 * 1024)}}"}""");

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        Assert.Equal([1], harness.Sink.DeliveredSequences);
    }
}
