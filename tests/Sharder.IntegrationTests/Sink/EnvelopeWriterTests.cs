using System.Buffers;
using System.Text;
using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Sink;

public sealed class EnvelopeWriterTests
{
    [Fact]
    public void Envelope_SplicesFieldsAndRawData()
    {
        var outbound = TestEvents.Dispatch("abc123", 42, "MESSAGE_CREATE", 41771983423143937, """{"guild_id":"41771983423143937","x":1}""");

        var written = Write(3, outbound);

        Assert.Equal(
            """{"shard":3,"seq":42,"t":"MESSAGE_CREATE","session":"abc123","guild_id":"41771983423143937","d":{"guild_id":"41771983423143937","x":1}}""",
            written);
    }

    [Fact]
    public void Envelope_WithoutGuild_OmitsGuildId()
    {
        var outbound = TestEvents.Dispatch("s", 1, "READY_SUPPLEMENTAL", guildId: null, data: "[]");

        Assert.Equal("""{"shard":0,"seq":1,"t":"READY_SUPPLEMENTAL","session":"s","d":[]}""", Write(0, outbound));
    }

    [Fact]
    public void Envelope_KeepsDataBytesExactly_WhitespaceEscapesAndNumbersIncluded()
    {
        const string Data = "{ \"content\" : \"h\\u00e9llo \\ud83d\\ude00 \\\"q\\\"\",\n  \"n\": 1.50e0, \"z\":null }";
        var outbound = TestEvents.Dispatch("s", 9, "MESSAGE_CREATE", 1, Data);

        var written = Encoding.UTF8.GetBytes(Write(7, outbound));
        using var document = JsonDocument.Parse(written);

        Assert.Equal(Data, document.RootElement.GetProperty("d").GetRawText());
        Assert.Equal("1", document.RootElement.GetProperty("guild_id").GetString());
        Assert.True(written.AsSpan().EndsWith(Encoding.UTF8.GetBytes(Data + "}")));
    }

    [Fact]
    public void Envelope_EscapesSessionAndType()
    {
        var outbound = TestEvents.Dispatch("se\"ss\\ion", 5, "ODD_TYPE");

        using var document = JsonDocument.Parse(Write(1, outbound));

        Assert.Equal("se\"ss\\ion", document.RootElement.GetProperty("session").GetString());
        Assert.Equal("ODD_TYPE", document.RootElement.GetProperty("t").GetString());
        Assert.Equal(5, document.RootElement.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Envelope_LargestNumbersFit()
    {
        var outbound = TestEvents.Dispatch("s", long.MaxValue, "T", ulong.MaxValue, "0");

        using var document = JsonDocument.Parse(Write(int.MaxValue, outbound));

        Assert.Equal(int.MaxValue, document.RootElement.GetProperty("shard").GetInt32());
        Assert.Equal(long.MaxValue, document.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), document.RootElement.GetProperty("guild_id").GetString());
    }

    [Fact]
    public void SharderBinary_IsFrameThenLittleEndianShardId()
    {
        var outbound = TestEvents.Dispatch("s", 1);
        var output = new ArrayBufferWriter<byte>();

        EnvelopeWriter.WriteSharderBinary(output, 258, outbound);

        byte[] expected = [.. outbound.Payload.ToArray(), 0x02, 0x01];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void SharderBinary_ShardAboveU16_Throws()
    {
        var outbound = TestEvents.Dispatch("s", 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeWriter.WriteSharderBinary(new ArrayBufferWriter<byte>(), 65_536, outbound));
    }

    [Fact]
    public void MarkerHead_IsAnOpenObjectTheScriptCompletes()
    {
        var head = Encoding.UTF8.GetString(EnvelopeWriter.WriteMarkerHead(3, "resumed", "s\"1"));

        Assert.Equal("{\"shard\":3,\"marker\":\"resumed\",\"session\":\"s\\u00221\"", head);
        using var completed = JsonDocument.Parse(head + ",\"seq\":41}");
        Assert.Equal("s\"1", completed.RootElement.GetProperty("session").GetString());
    }

    [Fact]
    public void ShardDispatch_DataRangeOutsideFrame_Throws()
    {
        byte[] frame = [1, 2, 3];

        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardDispatch("s", 1, "T", null, frame, 2..5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardDispatch("s", -1, "T", null, frame, 0..1));
    }

    [Fact]
    public void ShardDispatch_SequenceZero_IsAccepted()
    {
        // Some Discord-compatible gateways number READY s:0; any non-negative sequence is an event.
        var outbound = TestEvents.Dispatch("s", 0);

        Assert.Equal(0, outbound.Sequence);
    }

    [Fact]
    public void ShardDispatch_RawData_IsSliceOfFrame()
    {
        var outbound = TestEvents.Dispatch("s", 1, data: "{\"a\":1}");

        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(outbound.Data.Span));
        Assert.True(outbound.Data.Span.Overlaps(outbound.Payload.Span));
    }

    private static string Write(int shardId, ShardDispatch outbound)
    {
        var output = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteEnvelope(output, shardId, outbound);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
