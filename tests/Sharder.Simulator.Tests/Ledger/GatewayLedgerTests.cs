using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Ledger;
using Xunit;

namespace Sharder.Simulator.Tests.Ledger;

public sealed class GatewayLedgerTests
{
    [Fact]
    public void Snapshot_is_an_immutable_copy_in_recording_order()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new GatewayLedger(time);
        ledger.Session(SessionEventKind.Identified, 1, 0, 1, "s", 7, "bootstrap", "READY", false);
        time.Advance(TimeSpan.FromSeconds(1));
        ledger.Routed(1, "s", 0, 1, 1, "READY", 100, null, time.GetUtcNow());
        ledger.Sent("s", 1, 7, DeliveryKind.Live);

        var snapshot = ledger.Snapshot();
        ledger.Routed(1, "s", 0, 1, 2, "MESSAGE_CREATE", 101, 5, time.GetUtcNow());

        Assert.Single(snapshot.Routed);
        Assert.Equal(2, ledger.Snapshot().Routed.Count);
        Assert.Equal(time.GetUtcNow(), snapshot.TakenAt);
        Assert.True(snapshot.Sessions[0].Order < snapshot.Routed[0].Order);
        Assert.True(snapshot.Routed[0].Order < snapshot.Sent[0].Order);
        Assert.Equal(snapshot.Sessions[0].At.AddSeconds(1), snapshot.Routed[0].At);
        Assert.Throws<NotSupportedException>(() => ((IList<RoutedRecord>)snapshot.Routed).Add(default));
    }

    [Fact]
    public void Concurrent_recording_keeps_every_record_with_unique_order()
    {
        var ledger = new GatewayLedger(TimeProvider.System);

        Parallel.For(0, 8, thread =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                ledger.Routed(1, $"s{thread}", thread, 8, i + 1, "MESSAGE_CREATE", (thread * 100_000) + i, null, DateTimeOffset.UtcNow);
                ledger.Sent($"s{thread}", i + 1, thread, DeliveryKind.Live);
            }
        });

        var snapshot = ledger.Snapshot();
        Assert.Equal(80_000, snapshot.Routed.Count);
        Assert.Equal(80_000, ledger.SentCount);
        var orders = snapshot.Routed.Select(r => r.Order).Concat(snapshot.Sent.Select(s => s.Order)).ToList();
        Assert.Equal(orders.Count, orders.Distinct().Count());
        Assert.All(snapshot.Routed.GroupBy(r => r.SessionId), g => Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), g.Select(r => r.Seq)));
    }

    [Fact]
    public void Every_kind_of_record_is_kept()
    {
        var ledger = new GatewayLedger(TimeProvider.System);

        ledger.Undeliverable(1, 2, 4, "TYPING_START", 5, 9, DateTimeOffset.UtcNow, "no session");
        ledger.Heartbeat(3, "s", 10, 11);
        ledger.Close(3, "s", 2, byServer: true, code: 4009, closeFrame: true);
        ledger.IdentifyViolation(1, 2, 2, TimeSpan.FromSeconds(1));
        ledger.CommandPeak(3, 99);

        var snapshot = ledger.Snapshot();
        Assert.Equal("no session", Assert.Single(snapshot.Undeliverable).Reason);
        Assert.Equal(11, Assert.Single(snapshot.Heartbeats).HighestSentSeq);
        Assert.Equal(4009, Assert.Single(snapshot.Closes).Code);
        Assert.Equal(2, Assert.Single(snapshot.IdentifyViolations).RateLimitKey);
        Assert.Equal(99, Assert.Single(snapshot.CommandPeaks).PeakIn60s);
    }
}
