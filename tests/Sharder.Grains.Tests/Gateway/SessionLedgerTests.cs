using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>The session bookkeeping on its own: generations, what was delivered, the replaced session, expiry.</summary>
public sealed class SessionLedgerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_imported_session_resumes_from_its_sequence_and_heartbeats_carry_it()
    {
        var ledger = new SessionLedger(_time);
        ledger.Import("s1", 41, "wss://resume", new Uri("wss://resume"));

        var point = ledger.ResumePoint(Window, out var expired);

        Assert.Null(expired);
        Assert.Equal(new ShardSession("s1", 41, "wss://resume"), point!.Value.Resume);
        Assert.Equal(41, ledger.LastReceived);
        Assert.Equal(new ShardSession("s1", 41, "wss://resume"), ledger.Export());
    }

    [Fact]
    public void Delivered_sequences_of_a_session_with_a_reused_id_are_never_mixed()
    {
        var ledger = new SessionLedger(_time);
        var (first, _) = ledger.StartNew("same-id", "wss://a", null);
        ledger.RecordDelivered(Dispatch("same-id", 9, first));

        // The gateway hands back the same id after a new Identify: a new generation, nothing delivered of it.
        var (second, replaced) = ledger.StartNew("same-id", "wss://b", null);
        ledger.RecordDelivered(Dispatch("same-id", 3, first)); // late acknowledgement of the old generation

        Assert.NotEqual(first, second);
        Assert.Equal(new ShardSession("same-id", 9, "wss://a"), replaced);
        Assert.Equal(("same-id", (long?)null), ledger.Snapshot());
        Assert.Equal(new ShardSession("same-id", 0, "wss://b"), ledger.Export());
    }

    [Fact]
    public void A_dropped_session_is_reported_by_the_next_start_once()
    {
        var ledger = new SessionLedger(_time);
        var (generation, _) = ledger.StartNew("s1", "wss://a", null);
        ledger.RecordDelivered(Dispatch("s1", 5, generation));
        ledger.OnReceived(7);

        ledger.Drop();
        var (_, replaced) = ledger.StartNew("s2", "wss://b", null);
        var (_, afterThat) = ledger.StartNew("s3", "wss://c", null);

        Assert.Equal(new ShardSession("s1", 5, "wss://a"), replaced);
        Assert.Equal(new ShardSession("s2", 0, "wss://b"), afterThat);
        Assert.Null(ledger.ResumeUrlOf("s1"));
        Assert.Equal("wss://c", ledger.ResumeUrlOf("s3"));
    }

    [Fact]
    public void A_session_idle_past_the_window_is_dropped_when_the_next_connection_is_planned()
    {
        var ledger = new SessionLedger(_time);
        var (generation, _) = ledger.StartNew("s1", "wss://a", null);
        _time.Advance(Window - TimeSpan.FromSeconds(1));
        ledger.MarkAlive(generation);
        _time.Advance(Window - TimeSpan.FromSeconds(1));

        Assert.NotNull(ledger.ResumePoint(Window, out var stillAlive));
        Assert.Null(stillAlive);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(ledger.ResumePoint(Window, out var expired));
        Assert.Equal("s1", expired!.Value.SessionId);
        Assert.Equal(SessionLedger.NoSequence, ledger.LastReceived);
        Assert.Null(ledger.Export());
    }

    [Fact]
    public void Resume_url_failures_count_until_it_answers_or_a_new_session_starts()
    {
        var ledger = new SessionLedger(_time);
        ledger.StartNew("s1", "wss://a", new Uri("wss://a"));
        ledger.OnResumeUrlFailed();
        Assert.Equal(2, ledger.OnResumeUrlFailed());

        ledger.OnResumeUrlReached();
        Assert.Equal(0, ledger.ResumeUrlFailures);

        ledger.OnResumeUrlFailed();
        ledger.StartNew("s2", "wss://b", new Uri("wss://b"));
        Assert.Equal(0, ledger.ResumeUrlFailures);
    }

    private static SinkItem Dispatch(string sessionId, long sequence, long generation)
        => new(new ShardDispatch(sessionId, sequence, "MESSAGE_CREATE", null, "{}"u8.ToArray(), 0..2), generation);
}
