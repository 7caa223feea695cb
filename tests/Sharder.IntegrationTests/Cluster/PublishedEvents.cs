using System.Text.Json;
using Sharder.Simulator.Ledger;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>Reads a cluster's JSON-envelope event list back as the simulator's ledger records.</summary>
internal static class PublishedEvents
{
    /// <summary>Every dispatch in <paramref name="key"/>, in list order; lifecycle markers are left out.</summary>
    public static async Task<IReadOnlyList<SinkRecord>> ReadAsync(IDatabase redis, RedisKey key)
    {
        var values = await redis.ListRangeAsync(key);
        var records = new List<SinkRecord>(values.Length);
        foreach (var value in values)
        {
            using var document = JsonDocument.Parse((byte[])value!);
            var root = document.RootElement;
            if (root.TryGetProperty("marker", out _))
            {
                continue;
            }

            records.Add(new SinkRecord(
                root.GetProperty("shard").GetInt32(),
                root.GetProperty("session").GetString(),
                root.GetProperty("seq").GetInt64(),
                root.GetProperty("t").GetString()!,
                EventUid: null));
        }

        return records;
    }
}
