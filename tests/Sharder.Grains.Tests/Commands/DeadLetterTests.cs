using System.Text;
using System.Text.Json;
using Sharder.Grains.Commands;

namespace Sharder.Grains.Tests.Commands;

public sealed class DeadLetterTests
{
    private static readonly DeadLetter _letter = new(
        CommandRejectReason.OpNotAllowed, "op 99 is not allowed", "sharder:to:0", 0, new DateTimeOffset(2026, 12, 4, 23, 5, 6, 789, TimeSpan.FromHours(2)));

    [Fact]
    public void An_entry_carries_reason_list_shard_utc_time_and_the_payload_as_text()
    {
        var payload = """{"op":99,"d":{"x":"é"}}"""u8.ToArray();

        using var entry = JsonDocument.Parse(_letter.ToJson(payload));
        var root = entry.RootElement;

        Assert.Equal("OpNotAllowed", root.GetProperty("reason").GetString());
        Assert.Equal("op 99 is not allowed", root.GetProperty("detail").GetString());
        Assert.Equal("sharder:to:0", root.GetProperty("list").GetString());
        Assert.Equal(0, root.GetProperty("shard").GetInt32());
        Assert.Equal("2026-12-04T21:05:06.789Z", root.GetProperty("at").GetString());
        Assert.Equal(payload.Length, root.GetProperty("size").GetInt32());
        Assert.Equal(Encoding.UTF8.GetString(payload), root.GetProperty("payload").GetString());
        Assert.False(root.GetProperty("base64").GetBoolean());
        Assert.False(root.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void The_payload_reads_as_pushed()
    {
        var json = Encoding.UTF8.GetString(_letter.ToJson("""{"op":99,"d":{"s":"é<"}}"""u8));

        Assert.Contains("""
            "payload":"{\"op\":99,\"d\":{\"s\":\"é<\"}}"
            """, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_kept_as_base64_with_the_flag_and_an_unknown_shard_is_null()
    {
        byte[] payload = [0xFF, 0xFE, 0x00, 0x41];

        using var entry = JsonDocument.Parse((_letter with { ShardId = null }).ToJson(payload));
        var root = entry.RootElement;

        Assert.True(root.GetProperty("base64").GetBoolean());
        Assert.Equal(payload, root.GetProperty("payload").GetBytesFromBase64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("shard").ValueKind);
    }

    [Fact]
    public void A_long_payload_is_cut_to_4_KiB_without_splitting_a_character()
    {
        // 'é' is two bytes: 4095 bytes of ASCII then 'é' would straddle the cut.
        var payload = Encoding.UTF8.GetBytes(new string('x', 4095) + new string('é', 500));

        using var entry = JsonDocument.Parse(_letter.ToJson(payload));
        var root = entry.RootElement;

        Assert.Equal(new string('x', 4095), root.GetProperty("payload").GetString());
        Assert.True(root.GetProperty("truncated").GetBoolean());
        Assert.Equal(payload.Length, root.GetProperty("size").GetInt32());
    }

    [Fact]
    public void A_long_binary_payload_is_cut_to_4_KiB()
    {
        var payload = Enumerable.Repeat((byte)0xFF, 5000).ToArray();

        using var entry = JsonDocument.Parse(_letter.ToJson(payload));

        Assert.Equal(4096, entry.RootElement.GetProperty("payload").GetBytesFromBase64().Length);
        Assert.True(entry.RootElement.GetProperty("truncated").GetBoolean());
    }
}
