using System.Globalization;
using System.Text.Json;
using Sharder.Simulator.Events;
using Sharder.Simulator.Ledger;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Reshard;

/// <summary>
/// Reads a cluster's JSON-envelope event list the way a worker pops it: each dispatch as the simulator's uid
/// (<c>d.x_sim_uid</c>), type, guild and the <c>overlap</c> mark; lifecycle markers separately.
/// </summary>
internal static class PoppedEnvelopes
{
    public static async Task<(IReadOnlyList<PoppedEvent> Events, IReadOnlyList<JsonElement> Markers)> ReadAsync(IDatabase redis, RedisKey key)
    {
        var values = await redis.ListRangeAsync(key);
        var events = new List<PoppedEvent>(values.Length);
        var markers = new List<JsonElement>();
        foreach (var value in values)
        {
            using var document = JsonDocument.Parse((byte[])value!);
            var root = document.RootElement;
            if (root.TryGetProperty("marker", out _))
            {
                markers.Add(root.Clone());
                continue;
            }

            var data = root.GetProperty("d");
            long uid = data.ValueKind == JsonValueKind.Object && data.TryGetProperty(SimEventUid.PropertyName, out var u) ? u.GetInt64() : 0;
            ulong? guild = root.TryGetProperty("guild_id", out var g) ? ulong.Parse(g.GetString()!, CultureInfo.InvariantCulture) : null;
            bool overlap = root.TryGetProperty("overlap", out var o) && o.ValueKind == JsonValueKind.True;
            events.Add(new PoppedEvent(uid, root.GetProperty("t").GetString()!, guild, overlap));
        }

        return (events, markers);
    }

    /// <summary>T and W from a <c>resharded</c> marker (<c>cutover_ms</c>, <c>window_ms</c>); null for other markers.</summary>
    public static (DateTimeOffset At, TimeSpan Window)? Cutover(JsonElement marker) =>
        MarkerName(marker) == "resharded"
            && marker.TryGetProperty("cutover_ms", out var at) && at.TryGetInt64(out long atMs)
            && marker.TryGetProperty("window_ms", out var window) && window.TryGetInt64(out long windowMs)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(atMs), TimeSpan.FromMilliseconds(windowMs))
            : null;

    /// <summary>The marker's name (<c>"marker":"resharded"</c>).</summary>
    public static string? MarkerName(JsonElement marker) =>
        marker.TryGetProperty("marker", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
}
