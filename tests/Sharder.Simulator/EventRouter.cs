using Sharder.Simulator.Events;
using Sharder.Simulator.World;

namespace Sharder.Simulator;

/// <summary>
/// Sends each produced event to every live session of the shard it belongs to:
/// <c>(guild_id &gt;&gt; 22) % num_shards</c>, DMs to shard 0, filtered by intents. An event whose
/// shard has no session in some identified layout is recorded as undeliverable.
/// </summary>
internal sealed class EventRouter(SimulatorContext context)
{
    public void Route(SimEvent ev)
    {
        var app = context.App;
        var isGuild = ev.GuildId is not null;
        foreach (var layout in app.Layouts)
        {
            var shard = ev.GuildId is { } g ? Snowflake.ShardFor(g, layout.NumShards) : 0;
            var hadSession = false;
            foreach (var session in layout.ByShard[shard])
            {
                if (!session.IsLive())
                {
                    app.Forget(session, session.InvalidReason ?? "invalidated");
                    continue;
                }

                if (!IntentRules.IsDelivered(ev.Type, isGuild, session.Intents))
                {
                    hadSession = true;
                    continue;
                }

                var data = ev.DataFor(session.Intents);
                if (session.TryDispatch(ev.Type, ev.Uid, ev.GuildId, data, ev.ProducedAt)) hadSession = true;
                else app.Forget(session, session.InvalidReason ?? "invalidated");
            }

            if (!hadSession)
            {
                context.Ledger.Undeliverable(app.Id, shard, layout.NumShards, ev.Type, ev.Uid, ev.GuildId, ev.ProducedAt,
                    app.LossReason(layout.NumShards, shard));
            }
        }
    }
}
