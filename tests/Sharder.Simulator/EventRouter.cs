using Sharder.Simulator.Apps;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;

namespace Sharder.Simulator;

/// <summary>
/// Sends each produced event to every live session of the shard it belongs to:
/// <c>(guild_id &gt;&gt; 22) % num_shards</c>, DMs to shard 0, filtered by intents. With several shard counts
/// identified at once (a reshard's overlap) every layout gets the event, as Discord delivers a guild's events to
/// a session of each total. An event is recorded as undeliverable (once per layout without a session for it)
/// only when no layout had a session for it: while one generation's shard is live, nothing is lost.
/// </summary>
internal sealed class EventRouter(SimulatorContext context)
{
    public void Route(SimEvent ev)
    {
        var app = context.App;
        context.Ledger.Produced(ev.Uid, ev.Type, ev.GuildId, ev.ProducedAt);
        var isGuild = ev.GuildId is not null;
        List<ShardLayout>? missed = null;
        var anyHadSession = false;
        foreach (var layout in app.Layouts)
        {
            var shard = ShardOf(ev, layout);
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

            anyHadSession |= hadSession;
            if (!hadSession) (missed ??= []).Add(layout);
        }

        if (anyHadSession || missed is null) return;
        foreach (var layout in missed)
        {
            var shard = ShardOf(ev, layout);
            context.Ledger.Undeliverable(app.Id, shard, layout.NumShards, ev.Type, ev.Uid, ev.GuildId, ev.ProducedAt,
                app.LossReason(layout.NumShards, shard));
        }
    }

    private static int ShardOf(SimEvent ev, ShardLayout layout) =>
        ev.GuildId is { } g ? Snowflake.ShardFor(g, layout.NumShards) : 0;
}
