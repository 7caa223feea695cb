using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Ledger;

namespace Sharder.Simulator.Tests.Ledger;

/// <summary>
/// A synthetic reshard for <see cref="GuildDeliveryCheck"/>: every produced event is routed to and sent on a
/// session of the old total and one of the new total (as Discord does during the overlap), one event every
/// <see cref="Step"/>; the test decides what the worker popped.
/// </summary>
internal sealed class ReshardScenario
{
    public const ulong GuildA = 175_928_847_299_117_063UL;
    public const ulong GuildB = 175_928_847_299_117_064UL << 1;
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private readonly Dictionary<string, long> _seqs = new(StringComparer.Ordinal);
    private long _nextUid = 50_000;

    public ReshardScenario()
    {
        Ledger = new GatewayLedger(Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero));

    public GatewayLedger Ledger { get; }

    public List<ProducedRecord> Events { get; } = [];

    public List<PoppedEvent> Popped { get; } = [];

    /// <summary>Produces an event routed to <paramref name="sessions"/> (default: old and new), sent live on each.</summary>
    public ProducedRecord Produce(string type, ulong guild, params string[] sessions)
    {
        Time.Advance(Step);
        long uid = ++_nextUid;
        var at = Time.GetUtcNow();
        Ledger.Produced(uid, type, guild, at);
        foreach (var session in sessions.Length == 0 ? ["old", "new"] : sessions)
        {
            long seq = _seqs[session] = _seqs.GetValueOrDefault(session) + 1;
            Ledger.Routed(1, session, 0, session == "old" ? 1 : 2, seq, type, uid, guild, at);
            Ledger.Sent(session, seq, connectionId: session == "old" ? 1 : 2, DeliveryKind.Live);
        }

        var record = Ledger.Snapshot().Produced[^1];
        Events.Add(record);
        return record;
    }

    /// <summary>An event produced while no session of any total existed (undeliverable everywhere).</summary>
    public ProducedRecord ProduceUnsent(string type, ulong guild)
    {
        Time.Advance(Step);
        long uid = ++_nextUid;
        Ledger.Produced(uid, type, guild, Time.GetUtcNow());
        var record = Ledger.Snapshot().Produced[^1];
        Events.Add(record);
        return record;
    }

    /// <summary>A session's own dispatch (READY): routed and sent, not produced by the world.</summary>
    public long SessionDispatch(string session, string type)
    {
        long uid = ++_nextUid;
        long seq = _seqs[session] = _seqs.GetValueOrDefault(session) + 1;
        Ledger.Routed(1, session, 0, 1, seq, type, uid, null, Time.GetUtcNow());
        Ledger.Sent(session, seq, connectionId: 1, DeliveryKind.Live);
        return uid;
    }

    public void Pop(ProducedRecord record, bool overlap = false) =>
        Popped.Add(new PoppedEvent(record.EventUid, record.Type, record.GuildId, overlap));

    public GuildDeliveryReport Check(GuildDeliveryOptions? options = null) => GuildDeliveryCheck.Check(Ledger.Snapshot(), Popped, options);
}
