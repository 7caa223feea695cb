using System.Buffers;
using System.Text.Json;

namespace Sharder.Grains.Gateway;

/// <summary>
/// The presence every shard sends in its Identify (<c>Gateway:Presence</c>). Nothing set means no <c>presence</c>
/// field: Discord shows the bot online with no activity. Workers can change it later with an op 3 command.
/// </summary>
public sealed class GatewayPresenceOptions
{
    /// <summary>The status values Discord accepts from a bot.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["online", "idle", "dnd", "invisible"];

    /// <summary>Longest activity name Discord accepts.</summary>
    public const int MaxActivityNameLength = 128;

    /// <summary><c>online</c>, <c>idle</c>, <c>dnd</c> or <c>invisible</c> (any case); unset: online.</summary>
    public string? Status { get; set; }

    /// <summary>The activity's text ("Playing {name}"; the status text for <see cref="GatewayActivityType.Custom"/>); unset: no activity.</summary>
    public string? ActivityName { get; set; }

    /// <summary>The activity's type; default <see cref="GatewayActivityType.Playing"/>.</summary>
    public GatewayActivityType ActivityType { get; set; } = GatewayActivityType.Playing;

    /// <summary>Stream URL (Twitch or YouTube) for <see cref="GatewayActivityType.Streaming"/>; ignored otherwise.</summary>
    public Uri? ActivityUrl { get; set; }

    /// <summary>Whether any presence is configured (else Identify carries none).</summary>
    public bool IsSet => Status is not null || ActivityName is not null;

    /// <summary>A copy.</summary>
    internal GatewayPresenceOptions Clone() => new()
    {
        Status = Status,
        ActivityName = ActivityName,
        ActivityType = ActivityType,
        ActivityUrl = ActivityUrl,
    };

    /// <summary>
    /// The Update Presence object for Identify's <c>presence</c>
    /// (<c>{"since":null,"activities":[…],"status":"…","afk":false}</c>), or empty when nothing is set.
    /// </summary>
    internal ReadOnlyMemory<byte> ToIdentifyJson()
    {
        if (!IsSet)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNull("since"u8);
            writer.WriteStartArray("activities"u8);
            if (ActivityName is { } name)
            {
                writer.WriteStartObject();
                if (ActivityType == GatewayActivityType.Custom)
                {
                    // Discord shows a custom status from `state`; `name` must still be present.
                    writer.WriteString("name"u8, "Custom Status");
                    writer.WriteString("state"u8, name);
                }
                else
                {
                    writer.WriteString("name"u8, name);
                }

                writer.WriteNumber("type"u8, (int)ActivityType);
                if (ActivityType == GatewayActivityType.Streaming && ActivityUrl is { } url)
                {
                    writer.WriteString("url"u8, url.AbsoluteUri);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("status"u8, (Status ?? "online").ToLowerInvariant());
            writer.WriteBoolean("afk"u8, false);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
