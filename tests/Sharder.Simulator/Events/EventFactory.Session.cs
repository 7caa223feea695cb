using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

public sealed partial class EventFactory
{
    private static readonly string[] s_rtcRegions = ["us-east", "us-central", "atlanta", "us-south", "newark"];

    /// <summary>READY <c>d</c> (R-5.3, GP §4.2) with the undocumented extras of a real capture; no uid.</summary>
    public byte[] ReadyData(string sessionId, string resumeGatewayUrl, int shardId, int numShards, IEnumerable<SimGuild> guilds) =>
        ReadyData(sessionId, resumeGatewayUrl, shardId, numShards, guilds, eventUid: null);

    /// <summary>READY <c>d</c>; when <paramref name="eventUid"/> is set it is written as <c>x_sim_uid</c>.</summary>
    public byte[] ReadyData(string sessionId, string resumeGatewayUrl, int shardId, int numShards, IEnumerable<SimGuild> guilds, long? eventUid)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentException.ThrowIfNullOrEmpty(resumeGatewayUrl);
        ArgumentNullException.ThrowIfNull(guilds);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteUid(json, eventUid);
            json.WriteNumber("v", 10);
            json.WriteStartObject("user_settings");
            json.WriteEndObject();
            json.WriteStartObject("user");
            json.WriteBoolean("verified", true);
            json.WriteString("username", _world.BotUsername);
            json.WriteNull("primary_guild");
            json.WriteBoolean("mfa_enabled", false);
            json.WriteString("id", _world.BotUserId);
            json.WriteNull("global_name");
            json.WriteNumber("flags", 0);
            json.WriteNull("email");
            json.WriteString("discriminator", _world.BotDiscriminator);
            json.WriteNull("clan");
            json.WriteBoolean("bot", true);
            json.WriteNull("avatar");
            json.WriteEndObject();
            json.WriteStartArray("shard");
            json.WriteNumberValue(shardId);
            json.WriteNumberValue(numShards);
            json.WriteEndArray();
            json.WriteString("session_type", "normal");
            json.WriteString("session_id", sessionId);
            json.WriteString("resume_gateway_url", resumeGatewayUrl);
            WriteEmptyArray(json, "relationships");
            WriteEmptyArray(json, "private_channels");
            WriteEmptyArray(json, "presences");
            json.WriteStartArray("guilds");
            foreach (var guild in guilds)
            {
                json.WriteStartObject();
                json.WriteBoolean("unavailable", true);
                json.WriteString("id", guild.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteEmptyArray(json, "guild_join_requests");
            json.WriteStartArray("geo_ordered_rtc_regions");
            foreach (var region in s_rtcRegions)
            {
                json.WriteStringValue(region);
            }

            json.WriteEndArray();
            WriteEmptyArray(json, "game_relationships");
            json.WriteStartObject("auth");
            json.WriteEndObject();
            json.WriteStartObject("application");
            json.WriteString("id", _world.ApplicationId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("flags", _world.ApplicationFlags);
            json.WriteEndObject();
            WriteTrace(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>RESUMED <c>d</c>: <c>{"_trace":[…]}</c> (R-3.3); no uid.</summary>
    public byte[] ResumedData() => ResumedData(eventUid: null);

    /// <summary>RESUMED <c>d</c>; when <paramref name="eventUid"/> is set it is written as <c>x_sim_uid</c>.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the factory's session payload API.")]
    public byte[] ResumedData(long? eventUid)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteUid(json, eventUid);
            WriteTrace(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// RATE_LIMITED dispatch (GP §2.2, §8.1): <c>{opcode, retry_after, meta:{guild_id, nonce}}</c>; the nonce is
    /// left out when the request had none.
    /// </summary>
    public SimEvent RateLimited(int opcode, double retryAfterSeconds, ulong guildId, string? nonce)
    {
        var now = _time.GetUtcNow();
        long uid = _uids.Next(now);
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteUid(json, uid);
            json.WriteNumber("opcode", opcode);
            json.WriteNumber("retry_after", retryAfterSeconds);
            json.WriteStartObject("meta");
            json.WriteString("guild_id", guildId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (nonce is not null)
            {
                json.WriteString("nonce", nonce);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new SimEvent(uid, "RATE_LIMITED", guildId, buffer.WrittenSpan.ToArray(), null, now);
    }

    private static void WriteUid(Utf8JsonWriter json, long? eventUid)
    {
        if (eventUid is { } uid)
        {
            json.WriteNumber(SimEventUid.PropertyName, uid);
        }
    }

    private static void WriteTrace(Utf8JsonWriter json)
    {
        json.WritePropertyName("_trace");
        json.WriteRawValue(PayloadTemplates.TraceJson, skipInputValidation: true);
    }

    private static void WriteEmptyArray(Utf8JsonWriter json, string name)
    {
        json.WriteStartArray(name);
        json.WriteEndArray();
    }
}
