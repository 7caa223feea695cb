using System.Text;
using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Builds dispatch frames the way the gateway sends them, and reads back what was pushed.</summary>
internal static class TestEvents
{
    /// <summary>A dispatch frame <c>{"t":…,"s":…,"op":0,"d":…}</c> with <c>d</c> last, as Discord orders it.</summary>
    public static ShardDispatch Dispatch(
        string sessionId, long sequence, string eventType = "MESSAGE_CREATE", ulong? guildId = null, string? data = null)
    {
        data ??= guildId is { } guild
            ? $"{{\"guild_id\":\"{guild}\",\"content\":\"message {sequence}\"}}"
            : $"{{\"content\":\"message {sequence}\"}}";
        var head = $"{{\"t\":\"{eventType}\",\"s\":{sequence},\"op\":0,\"d\":";
        var frame = Encoding.UTF8.GetBytes(head + data + "}");
        int dataStart = Encoding.UTF8.GetByteCount(head);
        return new ShardDispatch(sessionId, sequence, eventType, guildId, frame, dataStart..(frame.Length - 1));
    }

    /// <summary>MESSAGE_CREATE dispatches <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static List<ShardDispatch> Sequences(string sessionId, long first, long last)
    {
        var batch = new List<ShardDispatch>();
        for (long sequence = first; sequence <= last; sequence++)
        {
            batch.Add(Dispatch(sessionId, sequence));
        }

        return batch;
    }

    /// <summary>Every element of a list, parsed as JSON.</summary>
    public static async Task<List<JsonElement>> ReadJsonListAsync(IDatabase database, string key)
    {
        var values = await database.ListRangeAsync(key);
        return [.. values.Select(value => JsonDocument.Parse((byte[])value!).RootElement.Clone())];
    }

    /// <summary>The <c>seq</c> of every event envelope in a list (markers are skipped).</summary>
    public static async Task<List<long>> ReadSequencesAsync(IDatabase database, string key)
    {
        var elements = await ReadJsonListAsync(database, key);
        return [.. elements.Where(e => !e.TryGetProperty("marker", out _)).Select(e => e.GetProperty("seq").GetInt64())];
    }

    public static List<long> Range(long first, long last) => [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i)];
}
