using System.Text;
using System.Text.Json;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>A payload the shard sent, as the fake gateway saw it.</summary>
internal sealed record SentPayload(int Op, JsonElement Data, string Json)
{
    public static SentPayload Parse(ReadOnlySpan<byte> payload)
    {
        var json = Encoding.UTF8.GetString(payload);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var data = root.TryGetProperty("d", out var d) ? d.Clone() : default;
        return new SentPayload(root.GetProperty("op").GetInt32(), data, json);
    }
}
