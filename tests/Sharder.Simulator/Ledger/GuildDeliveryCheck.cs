using System.Globalization;

namespace Sharder.Simulator.Ledger;

/// <summary>
/// The per-guild oracle across shard generations (a reshard): sessions of two totals both receive a guild's
/// events, and what the worker popped must add up per guild, whichever generation published it.
/// <list type="bullet">
/// <item>Identity-carrying types (<see cref="GuildDeliveryOptions.IdentityTypes"/>): every event sent to a
/// session is popped exactly once.</item>
/// <item>Other types: none lost; a second copy only when every copy is marked <c>overlap</c> (the cut-over's
/// window); their count and produce-time window are reported.</item>
/// <item>The per-guild gap: the longest span of produce time between consecutive popped events of a guild, in
/// pop order, next to the same measure over everything produced (the baseline).</item>
/// </list>
/// Events produced while no session of any total could take them are not the worker's to see (counted as
/// never sent). A session's own dispatches (READY, its GUILD_CREATE burst) are not world events and are ignored.
/// </summary>
public static class GuildDeliveryCheck
{
    public static GuildDeliveryReport Check(LedgerSnapshot ledger, IReadOnlyList<PoppedEvent> popped, GuildDeliveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(popped);
        options ??= new GuildDeliveryOptions();
        var violations = new Violations(options.MaxViolationsListed);

        var produced = new Dictionary<long, ProducedRecord>(ledger.Produced.Count);
        foreach (var record in ledger.Produced)
        {
            produced.TryAdd(record.EventUid, record);
        }

        var sentUids = SentUids(ledger);
        var copies = new Dictionary<long, (int Count, int Marked)>();
        long sessionScoped = 0;
        long unknown = 0;
        long poppedProduced = 0;
        foreach (var (position, pop) in popped.Index())
        {
            if (produced.ContainsKey(pop.EventUid))
            {
                var (count, marked) = copies.GetValueOrDefault(pop.EventUid);
                copies[pop.EventUid] = (count + 1, marked + (pop.Overlap ? 1 : 0));
                poppedProduced++;
            }
            else if (sentUids.Contains(pop.EventUid) || IsSessionControl(pop))
            {
                sessionScoped++;
            }
            else
            {
                unknown++;
                violations.Add($"unknown: position {position} popped {pop.Type} uid {pop.EventUid} (guild {Guild(pop.GuildId)}), which the simulator never produced");
            }
        }

        var guilds = new Dictionary<ulong, GuildTally>();
        long deliverable = 0, neverSent = 0, identityChecked = 0, lost = 0, duplicates = 0, overlapMarked = 0, overlapDuplicates = 0;
        DateTimeOffset? overlapFirst = null, overlapLast = null;
        foreach (var record in ledger.Produced)
        {
            if (!sentUids.Contains(record.EventUid))
            {
                neverSent++;
                continue;
            }

            deliverable++;
            var tally = Tally(guilds, record.GuildId);
            tally.Produced++;
            bool identity = options.IdentityTypes.Contains(record.Type);
            identityChecked += identity ? 1 : 0;
            var (count, marked) = copies.GetValueOrDefault(record.EventUid);
            tally.Popped += count;
            overlapMarked += marked > 0 ? 1 : 0;
            string what = $"guild {Guild(record.GuildId)} {record.Type} uid {record.EventUid} produced at {record.ProducedAt:HH:mm:ss.fff}{RelativeToCutover(record.ProducedAt, options)}";
            if (count == 0)
            {
                lost++;
                tally.Lost++;
                violations.Add($"lost: {what} was sent to a session but never popped");
            }
            else if (count > 1 && identity)
            {
                duplicates += count - 1;
                tally.Duplicates += count - 1;
                violations.Add($"duplicate: {what} popped {count} times; an identity-carrying event must be popped exactly once");
            }
            else if (count > 1 && (marked < count || count > options.MaxOverlapCopies))
            {
                duplicates += count - 1;
                tally.Duplicates += count - 1;
                violations.Add(marked < count
                    ? $"unmarked duplicate: {what} popped {count} times, {count - marked} of them without the overlap mark"
                    : $"duplicate: {what} popped {count} times, more than {options.MaxOverlapCopies} overlap copies");
            }
            else if (count > 1)
            {
                overlapDuplicates++;
                tally.OverlapDuplicates++;
                overlapFirst = overlapFirst is { } first && first <= record.ProducedAt ? first : record.ProducedAt;
                overlapLast = overlapLast is { } last && last >= record.ProducedAt ? last : record.ProducedAt;
            }
        }

        Gaps(ledger, popped, produced, sentUids, guilds, options);
        var rows = guilds.Values
            .Select(t => new GuildDelivery(t.GuildId, t.Produced, t.Popped, t.Lost, t.Duplicates, t.OverlapDuplicates, t.MaxGap, t.BaselineGap))
            .OrderBy(r => r.GuildId ?? 0)
            .ToList();
        var worst = rows.Count == 0 ? null : rows.MaxBy(r => r.MaxGap);
        return new GuildDeliveryReport(
            deliverable,
            neverSent,
            poppedProduced,
            identityChecked,
            lost,
            duplicates,
            overlapMarked,
            overlapDuplicates,
            overlapFirst is { } from && overlapLast is { } to ? (from, to) : null,
            sessionScoped,
            unknown,
            worst is null ? (null, TimeSpan.Zero, TimeSpan.Zero) : (worst.GuildId, worst.MaxGap, worst.BaselineGap),
            rows,
            violations.List);
    }

    /// <summary>Uids of routed events that were sent on some connection (live or replayed).</summary>
    private static HashSet<long> SentUids(LedgerSnapshot ledger)
    {
        var uidByRoute = new Dictionary<(string Session, long Seq), long>(ledger.Routed.Count);
        foreach (var route in ledger.Routed)
        {
            uidByRoute[(route.SessionId, route.Seq)] = route.EventUid;
        }

        var sent = new HashSet<long>();
        foreach (var record in ledger.Sent)
        {
            if (uidByRoute.TryGetValue((record.SessionId, record.Seq), out long uid))
            {
                sent.Add(uid);
            }
        }

        return sent;
    }

    /// <summary>
    /// Per guild: the popped gap walks pop order and measures how far each event's produce time runs ahead of
    /// the latest produce time popped before it (a late copy from the other generation does not shorten it);
    /// the baseline walks everything produced and sent in produce order.
    /// </summary>
    private static void Gaps(
        LedgerSnapshot ledger, IReadOnlyList<PoppedEvent> popped, Dictionary<long, ProducedRecord> produced, HashSet<long> sentUids,
        Dictionary<ulong, GuildTally> guilds, GuildDeliveryOptions options)
    {
        foreach (var pop in popped)
        {
            if (produced.TryGetValue(pop.EventUid, out var record))
            {
                Tally(guilds, record.GuildId).ObservePopped(record.ProducedAt, options);
            }
        }

        foreach (var record in ledger.Produced.Where(r => sentUids.Contains(r.EventUid)).OrderBy(r => r.ProducedAt))
        {
            Tally(guilds, record.GuildId).ObserveProduced(record.ProducedAt, options);
        }
    }

    private static GuildTally Tally(Dictionary<ulong, GuildTally> guilds, ulong? guildId)
    {
        // Guild ids are never 0, so 0 stands for direct messages.
        ulong key = guildId ?? 0;
        if (!guilds.TryGetValue(key, out var tally))
        {
            tally = new GuildTally(guildId);
            guilds.Add(key, tally);
        }

        return tally;
    }

    // READY and RESUMED describe the session; the simulator does not put a uid in their d.
    private static bool IsSessionControl(PoppedEvent pop) => pop.EventUid <= 0 && pop.Type is "READY" or "RESUMED";

    private static string RelativeToCutover(DateTimeOffset at, GuildDeliveryOptions options) =>
        options.Cutover is { } cutover
            ? string.Create(CultureInfo.InvariantCulture, $" (T {(at >= cutover ? "+" : "−")} {Math.Abs((at - cutover).TotalMilliseconds):0} ms)")
            : string.Empty;

    private static string Guild(ulong? guildId) => guildId?.ToString(CultureInfo.InvariantCulture) ?? "DM";

    private static bool InGapRange(DateTimeOffset at, GuildDeliveryOptions options) =>
        (options.GapFrom is not { } from || at >= from) && (options.GapTo is not { } to || at <= to);

    private sealed class GuildTally(ulong? guildId)
    {
        private DateTimeOffset? _latestPopped;
        private DateTimeOffset? _latestProduced;

        public ulong? GuildId { get; } = guildId;

        public long Produced { get; set; }

        public long Popped { get; set; }

        public long Lost { get; set; }

        public long Duplicates { get; set; }

        public long OverlapDuplicates { get; set; }

        public TimeSpan MaxGap { get; private set; }

        public TimeSpan BaselineGap { get; private set; }

        public void ObservePopped(DateTimeOffset producedAt, GuildDeliveryOptions options)
        {
            if (_latestPopped is { } latest && producedAt > latest && InGapRange(producedAt, options) && producedAt - latest > MaxGap)
            {
                MaxGap = producedAt - latest;
            }

            if (_latestPopped is not { } before || producedAt > before)
            {
                _latestPopped = producedAt;
            }
        }

        public void ObserveProduced(DateTimeOffset producedAt, GuildDeliveryOptions options)
        {
            if (_latestProduced is { } latest && InGapRange(producedAt, options) && producedAt - latest > BaselineGap)
            {
                BaselineGap = producedAt - latest;
            }

            _latestProduced = producedAt;
        }
    }

    private sealed class Violations(int maxListed)
    {
        private readonly List<string> _listed = [];
        private int _unlisted;

        public IReadOnlyList<string> List => _unlisted == 0 ? _listed : [.. _listed, $"… and {_unlisted} more violation(s) not listed"];

        public void Add(string description)
        {
            if (_listed.Count < maxListed)
            {
                _listed.Add(description);
            }
            else
            {
                _unlisted++;
            }
        }
    }
}
