using System.Buffers;
using System.Text;
using System.Text.Json;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Tests.Resharding;

public sealed class OverlapEnvelopeTests
{
    [Fact]
    public void An_overlap_event_says_so_in_its_envelope_and_others_do_not()
    {
        const string head = """{"op":0,"s":5,"t":"PRESENCE_UPDATE","d":""";
        const string data = """{"user":{"id":"1"}}""";
        var payload = Encoding.UTF8.GetBytes(head + data + "}");
        var dispatch = new ShardDispatch("s1", 5, "PRESENCE_UPDATE", 42, payload, head.Length..(head.Length + data.Length));

        using var plain = Write(dispatch);
        using var marked = Write(dispatch.WithVerdict(withheld: false, overlap: true));

        Assert.False(plain.RootElement.TryGetProperty("overlap", out _));
        Assert.True(marked.RootElement.GetProperty("overlap").GetBoolean());
        Assert.Equal("1", marked.RootElement.GetProperty("d").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(5, marked.RootElement.GetProperty("seq").GetInt64());
    }

    private static JsonDocument Write(ShardDispatch dispatch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteEnvelope(buffer, 3, dispatch);
        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}
