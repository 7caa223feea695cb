using System.Text;
using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Tests.Gateway.Protocol;

public sealed class GatewayPayloadPeekTests
{
    [Fact]
    public void Peeks_real_discord_hello_in_wire_key_order()
    {
        var json = GoldenVectors.ZlibHelloJson;

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.Equal(10, header.Op);
        Assert.Equal(GatewayOpcode.Hello, header.Opcode);
        Assert.Null(header.Sequence);
        Assert.Null(header.EventType);
        Assert.Null(header.GuildId);
        var data = Encoding.UTF8.GetString(header.GetData(json));
        Assert.StartsWith("{\"heartbeat_interval\":41250,", data, StringComparison.Ordinal);
        Assert.EndsWith("]}", data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"t":"MESSAGE_CREATE","s":42,"op":0,"d":{"id":"1","guild_id":"961969618123483218","content":"hi"}}""")]
    [InlineData("""{"d":{"id":"1","guild_id":"961969618123483218","content":"hi"},"op":0,"s":42,"t":"MESSAGE_CREATE"}""")]
    [InlineData("""{"op":0,"d":{"guild_id":"961969618123483218","id":"1","content":"hi"},"t":"MESSAGE_CREATE","s":42}""")]
    [InlineData(""" { "s" : 42 , "t" : "MESSAGE_CREATE" , "op" : 0 , "d" : { "id" : "1" , "guild_id" : 961969618123483218 } } """)]
    public void Reads_dispatch_fields_in_any_key_order(string text)
    {
        Assert.True(GatewayPayloadPeek.TryPeek(Encoding.UTF8.GetBytes(text), out var header));

        Assert.Equal(GatewayOpcode.Dispatch, header.Opcode);
        Assert.Equal(42, header.Sequence);
        Assert.Equal("MESSAGE_CREATE", header.EventType);
        Assert.Equal(961969618123483218UL, header.GuildId);
    }

    [Fact]
    public void Data_range_is_the_exact_raw_d_value()
    {
        const string Data = """{"id":"1","nested":{"a":[1,2,{"b":"}"}]},"guild_id":"5"}""";
        var json = Encoding.UTF8.GetBytes("""{"t":"X","s":1,"op":0,"d":""" + Data + ""","extra":{"k":[true]}}""");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.Equal(Data, Encoding.UTF8.GetString(header.GetData(json)));
        Assert.Equal(5UL, header.GuildId);
    }

    [Theory]
    [InlineData("""{"op":11,"d":null}""", "null")]
    [InlineData("""{"op":9,"d":false}""", "false")]
    [InlineData("""{"op":1,"d":1337}""", "1337")]
    [InlineData("""{"op":0,"d":"text"}""", "\"text\"")]
    [InlineData("""{"op":0,"d":[1,{"guild_id":"7"}]}""", """[1,{"guild_id":"7"}]""")]
    [InlineData("""{"op":11}""", "")]
    public void Data_range_covers_primitive_array_and_missing_values(string text, string expectedData)
    {
        var json = Encoding.UTF8.GetBytes(text);

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.Equal(expectedData, Encoding.UTF8.GetString(header.GetData(json)));
        Assert.Null(header.GuildId);
    }

    [Theory]
    [InlineData("""{"op":0,"s":1,"t":"X","d":{"member":{"guild_id":"5"},"id":"2"}}""")]
    [InlineData("""{"op":0,"s":1,"t":"X","d":{"guild_id":null}}""")]
    [InlineData("""{"op":0,"s":1,"t":"X","d":{"guild_id":"not-a-number"}}""")]
    [InlineData("""{"op":0,"s":1,"t":"X","d":{"guild_id":{"id":"5"},"after":"6"}}""")]
    [InlineData("""{"op":0,"s":1,"t":"X","guild_id":"5","d":{}}""")]
    public void Guild_id_is_read_only_from_direct_members_of_d(string text)
    {
        Assert.True(GatewayPayloadPeek.TryPeek(Encoding.UTF8.GetBytes(text), out var header));

        Assert.Null(header.GuildId);
    }

    [Fact]
    public void Unknown_members_with_deep_values_are_skipped()
    {
        var json = Encoding.UTF8.GetBytes("""{"x":{"op":5,"t":"NOPE","s":9,"d":[[[{"op":7}]]]},"op":7,"y":[{"s":3}],"d":null}""");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.Equal(GatewayOpcode.Reconnect, header.Opcode);
        Assert.Null(header.Sequence);
        Assert.Null(header.EventType);
    }

    [Fact]
    public void Escaped_property_names_and_event_names_are_unescaped()
    {
        var json = Encoding.UTF8.GetBytes("""{"\u006fp":0,"s":3,"t":"READ\u0059","d":{"guild\u005fid":"12"}}""");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var header));

        Assert.Equal(0, header.Op);
        Assert.Equal("READY", header.EventType);
        Assert.Equal(12UL, header.GuildId);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("""{"s":1,"t":"X","d":{}}""")]
    [InlineData("""{"op":"0","d":{}}""")]
    [InlineData("""{"op":1.5}""")]
    [InlineData("""{"op":null}""")]
    [InlineData("""{"op":99999999999}""")]
    [InlineData("""{"op":0,"s":"1"}""")]
    [InlineData("""{"op":0,"s":1.5}""")]
    [InlineData("""{"op":0,"t":5}""")]
    [InlineData("""{"op":0,"t":{}}""")]
    [InlineData("""{"op":0,"d":{"guild_id":"1"}""")]
    [InlineData("""{"op":0,"d":{"a":[1,2}}""")]
    [InlineData("""{"op":0,}""")]
    [InlineData("""{"op":0} {"op":1}""")]
    [InlineData("""{"op":0}x""")]
    [InlineData("""{op:0}""")]
    [InlineData("""{"op":0 /* comment */}""")]
    [InlineData("""{"op":0,"d":"unterminated}""")]
    public void Malformed_json_returns_false_without_throwing(string text)
    {
        Assert.False(GatewayPayloadPeek.TryPeek(Encoding.UTF8.GetBytes(text), out var header));
        Assert.Equal(default, header);
    }

    [Fact]
    public void Invalid_utf8_returns_false_without_throwing()
    {
        byte[] json = [.. "{\"op\":0,\"t\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(GatewayPayloadPeek.TryPeek(json, out _));
    }

    [Fact]
    public void Known_event_names_are_shared_instances()
    {
        var json = Encoding.UTF8.GetBytes("""{"t":"READY","s":1,"op":0,"d":{}}""");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var first));
        Assert.True(GatewayPayloadPeek.TryPeek(json, out var second));

        Assert.Same(GatewayEventNames.Ready, first.EventType);
        Assert.Same(first.EventType, second.EventType);
    }

    [Fact]
    public void Unknown_event_names_are_cached_after_first_sight()
    {
        var name = "SHARDER_TEST_EVENT_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var json = Encoding.UTF8.GetBytes("{\"t\":\"" + name + "\",\"s\":1,\"op\":0,\"d\":{}}");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var first));
        Assert.True(GatewayPayloadPeek.TryPeek(json, out var second));

        Assert.Equal(name, first.EventType);
        Assert.Same(first.EventType, second.EventType);
    }

    [Fact]
    public void Very_long_event_names_are_read_but_not_cached()
    {
        var name = new string('E', EventTypeCache.MaxCachedNameLength + 1);
        var json = Encoding.UTF8.GetBytes($$"""{"t":"{{name}}","op":0}""");

        Assert.True(GatewayPayloadPeek.TryPeek(json, out var first));
        Assert.True(GatewayPayloadPeek.TryPeek(json, out var second));

        Assert.Equal(name, first.EventType);
        Assert.NotSame(first.EventType, second.EventType);
    }

    [Fact]
    public void Peeking_a_known_dispatch_does_not_allocate()
    {
        var json = Encoding.UTF8.GetBytes(
            """{"t":"MESSAGE_CREATE","s":1234,"op":0,"d":{"id":"1","guild_id":"961969618123483218","embeds":[{"a":{"b":[1,2,3]}}],"content":"hello"}}""");
        Assert.True(GatewayPayloadPeek.TryPeek(json, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            GatewayPayloadPeek.TryPeek(json, out _);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
