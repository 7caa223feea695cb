using Sharder.Client.Commands;
using Sharder.Client.Consuming;
using Sharder.Client.Messages;

namespace Sharder.Worker;

/// <summary>
/// Prints one line per entry and answers a MESSAGE_CREATE whose content is <c>!ping</c>. The gateway has no
/// "send a message" (a bot replies through Discord's HTTP API), so the answer is a gateway command: a presence
/// update on the shard that received the message, setting the bot's custom status to "pong".
/// </summary>
internal sealed class EventPrinter(string name, CommandSender commands, TextWriter output)
{
    public async ValueTask HandleAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        switch (delivery.Message)
        {
            case SharderEvent evt:
                await output.WriteLineAsync($"{name}: {evt}{(delivery.Recovered ? " (recovered)" : "")}").ConfigureAwait(false);
                if (evt.Type == "MESSAGE_CREATE" && evt.DataString("content") == "!ping")
                {
                    await commands.UpdatePresenceAsync(evt.Shard, "online", "pong", activityType: 4).ConfigureAwait(false);
                    await output.WriteLineAsync(
                        $"{name}: !ping on shard {evt.Shard}: sent a presence update (op 3, custom status \"pong\") to {commands.Keys.ForShard(evt.Shard)}")
                        .ConfigureAwait(false);
                }

                break;
            case ReidentifiedMarker marker:
                await output.WriteLineAsync(
                    $"{name}: shard={marker.Shard} marker=reidentified: events of {marker.PreviousSession} after seq {marker.PreviousSequence?.ToString() ?? "none"} were never delivered; resync caches")
                    .ConfigureAwait(false);
                break;
            case ResyncedMarker marker:
                await output.WriteLineAsync(
                    $"{name}: shard={marker.Shard} marker=resynced: Redis held seq {marker.CheckpointSequence?.ToString() ?? "none"}, the shard was at {marker.Sequence?.ToString() ?? "unknown"}; resync caches")
                    .ConfigureAwait(false);
                break;
            case TrimmedMarker marker:
                await output.WriteLineAsync($"{name}: marker=trimmed: {marker.Trimmed} entries of {marker.List} dropped by its bound ({marker.MaxLength})").ConfigureAwait(false);
                break;
            case SharderMarker marker:
                await output.WriteLineAsync($"{name}: shard={marker.Shard} marker={marker.Kind}").ConfigureAwait(false);
                break;
            default:
                await output.WriteLineAsync($"{name}: unreadable entry ({delivery.FormatError?.Message})").ConfigureAwait(false);
                break;
        }
    }
}
