using System.Buffers;
using System.Text.Json;

namespace Sharder.Client.Commands;

/// <summary>
/// Builds the gateway commands a worker sends most: op 3 presence update, op 4 voice state update, op 8 request
/// guild members (Discord's gateway documentation gives every field). The gateway has no "send a message":
/// messages go through Discord's HTTP API, which workers call themselves.
/// </summary>
public static class GatewayCommands
{
    /// <summary>The op of a presence update.</summary>
    public const int PresenceUpdateOp = 3;

    /// <summary>The op of a voice state update.</summary>
    public const int VoiceStateUpdateOp = 4;

    /// <summary>The op of a request for guild members.</summary>
    public const int RequestGuildMembersOp = 8;

    /// <summary>
    /// <c>{"op":3,"d":{"since":null,"activities":[{"name":…,"type":…}],"status":…,"afk":false}}</c>.
    /// A presence applies to the shard it is sent on: send it to every shard for the whole bot.
    /// </summary>
    /// <param name="status"><c>online</c>, <c>dnd</c>, <c>idle</c>, <c>invisible</c> or <c>offline</c>.</param>
    /// <param name="activityName">The activity's name, or null for none.</param>
    /// <param name="activityType">0 playing, 1 streaming, 2 listening, 3 watching, 4 custom (then <paramref name="activityName"/> is shown as the state), 5 competing.</param>
    /// <param name="since">When the bot went idle; null when it is not idle.</param>
    public static byte[] PresenceUpdate(string status, string? activityName = null, int activityType = 0, DateTimeOffset? since = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        return Write(PresenceUpdateOp, writer =>
        {
            if (since is { } idleSince)
            {
                writer.WriteNumber("since", idleSince.ToUnixTimeMilliseconds());
            }
            else
            {
                writer.WriteNull("since");
            }

            writer.WriteStartArray("activities");
            if (activityName is not null)
            {
                writer.WriteStartObject();
                writer.WriteString("name", activityName);
                writer.WriteNumber("type", activityType);
                if (activityType == 4)
                {
                    writer.WriteString("state", activityName);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("status", status);
            writer.WriteBoolean("afk", false);
        });
    }

    /// <summary>
    /// <c>{"op":4,"d":{"guild_id":"…","channel_id":"…"|null,"self_mute":…,"self_deaf":…}}</c>: join, move or
    /// (with a null channel) leave a voice channel. Guild-routed.
    /// </summary>
    public static byte[] VoiceStateUpdate(ulong guildId, ulong? channelId, bool selfMute = false, bool selfDeaf = false)
        => Write(VoiceStateUpdateOp, writer =>
        {
            writer.WriteString("guild_id", Snowflake(guildId));
            if (channelId is { } channel)
            {
                writer.WriteString("channel_id", Snowflake(channel));
            }
            else
            {
                writer.WriteNull("channel_id");
            }

            writer.WriteBoolean("self_mute", selfMute);
            writer.WriteBoolean("self_deaf", selfDeaf);
        });

    /// <summary>
    /// <c>{"op":8,"d":{"guild_id":"…","query":"","limit":0,…}}</c>: asks for GUILD_MEMBERS_CHUNK events, either
    /// by name prefix (<paramref name="query"/>, "" for all with the GUILD_MEMBERS intent) or by
    /// <paramref name="userIds"/>. Guild-routed.
    /// </summary>
    public static byte[] RequestGuildMembers(
        ulong guildId, string? query = "", int limit = 0, IReadOnlyCollection<ulong>? userIds = null, bool presences = false, string? nonce = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if ((query is null) == (userIds is null))
        {
            throw new ArgumentException("Give either a query or user ids.", nameof(query));
        }

        return Write(RequestGuildMembersOp, writer =>
        {
            writer.WriteString("guild_id", Snowflake(guildId));
            if (query is not null)
            {
                writer.WriteString("query", query);
                writer.WriteNumber("limit", limit);
            }
            else
            {
                writer.WriteStartArray("user_ids");
                foreach (var user in userIds!)
                {
                    writer.WriteStringValue(Snowflake(user));
                }

                writer.WriteEndArray();
            }

            if (presences)
            {
                writer.WriteBoolean("presences", true);
            }

            if (nonce is not null)
            {
                writer.WriteString("nonce", nonce);
            }
        });
    }

    private static string Snowflake(ulong id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Write(int op, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("op", op);
            writer.WriteStartObject("d");
            data(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
