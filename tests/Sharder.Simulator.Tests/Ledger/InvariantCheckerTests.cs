using Sharder.Simulator.Ledger;
using Xunit;

namespace Sharder.Simulator.Tests.Ledger;

public sealed class InvariantCheckerTests
{
    /// <summary>
    /// Two shards; shard 0 loses its connection, misses 3 events, resumes from the last published seq and
    /// receives the replay; everything is published once, in order.
    /// </summary>
    private static LedgerScenario CleanScenario()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s0", shard: 0, numShards: 2, connectionId: 1);
        scenario.Identify("s1", shard: 1, numShards: 2, connectionId: 2);
        scenario.Dispatches("s0", 1, 10);
        scenario.Dispatches("s1", 2, 5);
        scenario.PublishRange("s0", 1, 11);
        scenario.PublishRange("s1", 1, 6);
        scenario.Heartbeat("s0", 1, 11);
        scenario.Heartbeat("s1", 2, 6);

        scenario.Time.Advance(TimeSpan.FromSeconds(2));
        scenario.Detach("s0", 1, closeCode: 4000);
        scenario.Dispatches("s0", null, 3);
        scenario.Time.Advance(TimeSpan.FromSeconds(3));
        scenario.Resume("s0", connectionId: 3, fromSeq: 11);
        scenario.Dispatches("s0", 3, 2);
        scenario.PublishRange("s0", 12, 17);
        scenario.Heartbeat("s0", 3, 17);
        return scenario;
    }

    [Fact]
    public void Clean_scenario_passes_with_exact_counters()
    {
        var scenario = CleanScenario();

        var report = scenario.Check();

        report.AssertOk();
        Assert.True(report.Ok);
        Assert.Equal(17 + 6, report.Routed);
        Assert.Equal(23, report.Produced);
        Assert.Equal(14 + 6, report.DeliveredLive);
        Assert.Equal(3, report.Replayed);
        Assert.Equal(23, report.Published);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.OutOfOrder);
        Assert.Equal(0, report.Gaps);
        Assert.Equal(2, report.Identifies);
        Assert.Equal(1, report.Resumes);
        Assert.Equal(0, report.HeartbeatMismatches);
        Assert.Equal(1, report.CountCloses(byServer: false, 4000));
        Assert.Equal(TimeSpan.FromSeconds(3), report.MaxTimeToRecover);
        Assert.Empty(report.Violations);
    }

    [Fact]
    public void Lost_event_is_reported_with_its_session_and_seq()
    {
        var scenario = CleanScenario();
        scenario.Published.RemoveAll(p => p.SessionId == "s0" && p.Seq == 13);

        var report = scenario.Check();

        Assert.False(report.Ok);
        Assert.Equal(1, report.Lost);
        Assert.Contains(report.Violations, v => v.StartsWith("lost: session s0", StringComparison.Ordinal) && v.Contains("seq 13", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith("gap: session s0 published seq 14 right after seq 12", StringComparison.Ordinal));
        var error = Assert.Throws<InvariantViolationException>(report.AssertOk);
        Assert.Contains("seq 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_publish_is_reported()
    {
        var scenario = CleanScenario();
        // Resuming from a stale seq makes the sharder publish 10 and 11 again.
        scenario.Publish("s0", 10);
        scenario.Publish("s0", 11);

        var report = scenario.Check();

        Assert.Equal(2, report.Duplicates);
        Assert.Contains(report.Violations, v => v.StartsWith("duplicate: session s0 seq 10", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith("out of order: session s0 published seq 10 after seq 17", StringComparison.Ordinal));
    }

    [Fact]
    public void Reordered_publish_is_reported()
    {
        var scenario = CleanScenario();
        int four = scenario.Published.FindIndex(p => p.SessionId == "s1" && p.Seq == 4);
        (scenario.Published[four], scenario.Published[four + 1]) = (scenario.Published[four + 1], scenario.Published[four]);

        var report = scenario.Check();

        Assert.Equal(1, report.OutOfOrder);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Contains(report.Violations, v => v.StartsWith("out of order: session s1 published seq 4 after seq 5", StringComparison.Ordinal));
    }

    [Fact]
    public void Gap_after_resume_is_reported()
    {
        var scenario = CleanScenario();
        scenario.Published.RemoveAll(p => p.SessionId == "s0" && p.Seq == 12);

        var report = scenario.Check();

        Assert.Equal(1, report.Gaps);
        Assert.Contains(report.Violations, v => v.StartsWith("gap: session s0 published seq 13 right after seq 11; expected seq 12", StringComparison.Ordinal));
    }

    [Fact]
    public void Identify_instead_of_resume_is_reported()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("old", 0, 1, connectionId: 1);
        scenario.Dispatches("old", 1, 3);
        scenario.PublishRange("old", 1, 4);
        scenario.Detach("old", 1, closeCode: 4000);
        scenario.Identify("new", 0, 1, connectionId: 2);
        scenario.Dispatches("new", 2, 2);
        scenario.PublishRange("new", 1, 3);

        var report = scenario.Check();

        var violation = Assert.Single(report.Violations);
        Assert.StartsWith("identify instead of resume: app 42 shard [0, 1] identified session new", violation, StringComparison.Ordinal);
        Assert.Contains("after session old detached", violation, StringComparison.Ordinal);
        Assert.True(scenario.Check(new InvariantOptions { RequireResumeWhenPossible = false }).Ok);
    }

    [Fact]
    public void Identify_after_the_server_closed_with_4009_is_what_the_docs_ask_for()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("old", 0, 1, connectionId: 1);
        scenario.Dispatches("old", 1, 3);
        scenario.PublishRange("old", 1, 4);
        scenario.Detach("old", 1, closeCode: 4009, byServer: true);
        scenario.Identify("new", 0, 1, connectionId: 2);
        scenario.Dispatches("new", 2, 2);
        scenario.PublishRange("new", 1, 3);

        var report = scenario.Check();

        Assert.True(report.Ok, string.Join(Environment.NewLine, report.Violations));
    }

    [Fact]
    public void Identify_after_an_injected_invalidation_is_fine()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("old", 0, 1, connectionId: 1);
        scenario.PublishRange("old", 1, 1);
        scenario.Detach("old", 1, closeCode: 4000);
        scenario.End(SessionEventKind.Expired, "old", 1, injected: true, "resume window passed (F13)");
        scenario.Undeliverable(0, 1, "no session after expiry");
        scenario.Identify("new", 0, 1, connectionId: 2);
        scenario.PublishRange("new", 1, 1);

        var report = scenario.Check();

        report.AssertOk();
        Assert.Equal(1, report.Undeliverable);
        Assert.Equal(3, report.Produced);
    }

    [Fact]
    public void Resumable_session_lost_without_an_injected_fault_is_reported()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("old", 0, 1, connectionId: 1);
        scenario.PublishRange("old", 1, 1);
        scenario.Detach("old", 1);
        scenario.End(SessionEventKind.ResumeRejected, "old", 2, injected: false, "seq 99 > last seq 1 (4007)");

        var report = scenario.Check();

        Assert.Contains(report.Violations, v => v.StartsWith("resumable session lost:", StringComparison.Ordinal) && v.Contains("4007", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejected_identify_neither_creates_nor_ends_a_session()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.PublishRange("s", 1, 1);
        scenario.Detach("s", 1);
        scenario.Ledger.Session(SessionEventKind.IdentifyRejected, LedgerScenario.AppId, 0, 1, null, 2, LedgerScenario.Bootstrap, "concurrency", false);
        scenario.Time.Advance(TimeSpan.FromSeconds(4));
        scenario.Resume("s", connectionId: 3, fromSeq: 1);
        scenario.Publish("s", 2);

        var report = scenario.Check();

        report.AssertOk();
        Assert.Equal(TimeSpan.FromSeconds(4), report.MaxTimeToRecover);
    }

    [Fact]
    public void Token_reset_ends_every_session_of_the_app()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("a", 0, 2, connectionId: 1);
        scenario.Identify("b", 1, 2, connectionId: 2);
        scenario.PublishRange("a", 1, 1);
        scenario.PublishRange("b", 1, 1);
        scenario.Detach("b", 2);
        // The protocol layer records the reset once, with whatever shard the offending connection had.
        scenario.Ledger.Session(SessionEventKind.TokenRevoked, LedgerScenario.AppId, 0, 0, null, 3, LedgerScenario.Bootstrap, "daily identify budget exceeded", false);
        scenario.Undeliverable(0, 2, "token reset");
        scenario.Undeliverable(1, 2, "token reset");

        var report = scenario.Check();

        Assert.Equal(2, report.Violations.Count(v => v.StartsWith("avoidable loss:", StringComparison.Ordinal) && v.Contains("TokenRevoked", StringComparison.Ordinal)));
        Assert.Single(report.Violations, v => v.StartsWith("resumable session lost:", StringComparison.Ordinal) && v.Contains("session b", StringComparison.Ordinal));
    }

    [Fact]
    public void Stale_heartbeat_is_reported_and_small_races_are_allowed()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.Dispatches("s", 1, 9);
        scenario.PublishRange("s", 1, 10);
        scenario.Heartbeat("s", 1, 9);
        scenario.Heartbeat("s", 1, 4);

        var report = scenario.Check();

        Assert.Equal(1, report.HeartbeatMismatches);
        var violation = Assert.Single(report.Violations);
        Assert.StartsWith("stale heartbeat: connection 1 (session s) sent d=4 although seq", violation, StringComparison.Ordinal);
        Assert.Contains("had been sent by its previous heartbeat (allowance 1)", violation, StringComparison.Ordinal);
        Assert.True(scenario.Check(new InvariantOptions { HeartbeatRaceAllowance = 6 }).Ok);
    }

    [Fact]
    public void A_burst_still_in_flight_at_a_heartbeat_is_not_stale()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.Dispatches("s", 1, 9);
        scenario.PublishRange("s", 1, 10);
        scenario.Heartbeat("s", 1, 2);
        scenario.Heartbeat("s", 1, 10);

        var report = scenario.Check();

        Assert.Equal(0, report.HeartbeatMismatches);
        Assert.True(report.Ok, string.Join(Environment.NewLine, report.Violations));
    }

    [Fact]
    public void Heartbeat_ahead_of_what_was_sent_is_a_bug()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.PublishRange("s", 1, 1);
        scenario.Heartbeat("s", 1, 5);

        var report = scenario.Check(new InvariantOptions { HeartbeatRaceAllowance = 100 });

        Assert.StartsWith("heartbeat ahead: connection 1 (session s) sent d=5 but only seq 1 was sent", Assert.Single(report.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_gap_is_measured_per_connection()
    {
        var scenario = CleanScenario();
        scenario.Time.Advance(TimeSpan.FromSeconds(41));
        scenario.Heartbeat("s0", 3, 17);
        scenario.Time.Advance(TimeSpan.FromSeconds(45));
        scenario.Heartbeat("s0", 3, 17);

        Assert.Equal(TimeSpan.FromSeconds(45), scenario.Check().MaxHeartbeatGap);
    }

    [Fact]
    public void Undeliverable_while_a_session_exists_is_reported()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.PublishRange("s", 1, 1);
        scenario.Detach("s", 1);
        scenario.Undeliverable(0, 1, "bug");

        var report = scenario.Check();

        Assert.StartsWith("undeliverable with a session:", Assert.Single(report.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_after_a_session_the_sharder_threw_away_is_reported()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.PublishRange("s", 1, 1);
        scenario.End(SessionEventKind.Invalidated, "s", 1, injected: false, "client sent op 9-triggering payload");
        scenario.Undeliverable(0, 1);

        var report = scenario.Check();

        Assert.StartsWith("avoidable loss: app 42 shard [0, 1]", Assert.Single(report.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_after_a_1000_close_or_a_fatal_close_is_what_discord_does()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("a", 0, 2, connectionId: 1);
        scenario.PublishRange("a", 1, 1);
        scenario.Ledger.Close(1, "a", 0, byServer: false, code: 1000, closeFrame: true);
        scenario.End(SessionEventKind.Invalidated, "a", 1, injected: false, "client closed 1000");
        scenario.Undeliverable(0, 2);
        scenario.Identify("b", 1, 2, connectionId: 2);
        scenario.PublishRange("b", 1, 1);
        scenario.End(SessionEventKind.FatalClose, "b", 2, injected: false, "4014 disallowed intents");
        scenario.Undeliverable(1, 2);

        var report = scenario.Check();

        report.AssertOk();
        Assert.Equal(2, report.Undeliverable);
        Assert.Equal(1, report.CountCloses(byServer: false, 1000));
    }

    [Fact]
    public void Loss_before_the_first_session_is_allowed_unless_disabled()
    {
        var scenario = new LedgerScenario();
        scenario.Undeliverable(3, 4, "no session yet");

        Assert.True(scenario.Check().Ok);
        Assert.StartsWith("loss before first session:", Assert.Single(scenario.Check(new InvariantOptions { AllowLossBeforeFirstSession = false }).Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Excluded_types_need_not_be_published()
    {
        var scenario = CleanScenario();
        scenario.Published.RemoveAll(p => p.Type is "READY" or "RESUMED");
        var options = new InvariantOptions { ExcludedTypes = { "READY", "RESUMED" } };

        scenario.Check(options).AssertOk();
        var strict = scenario.Check();
        Assert.Equal(3, strict.Lost);
    }

    [Fact]
    public void Compat_mode_matches_by_uid_and_still_finds_duplicates()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.Dispatches("s", 1, 4);
        for (long seq = 1; seq <= 5; seq++)
        {
            scenario.PublishWithoutSession("s", seq);
        }

        scenario.Check().AssertOk();

        scenario.PublishWithoutSession("s", 3);
        var report = scenario.Check();
        Assert.Equal(1, report.Duplicates);
    }

    [Fact]
    public void Publish_of_something_never_routed_is_reported()
    {
        var scenario = CleanScenario();
        scenario.Published.Add(new SinkRecord(0, "s0", 999, "MESSAGE_CREATE", 1));
        scenario.Published.Add(new SinkRecord(1, null, null, "MESSAGE_CREATE", 123_456_789));

        var report = scenario.Check();

        Assert.Equal(2, report.UnknownPublished);
        Assert.Contains(report.Violations, v => v.Contains("session s0 seq 999", StringComparison.Ordinal));
    }

    [Fact]
    public void Mislabelled_publish_is_reported()
    {
        var scenario = CleanScenario();
        var record = scenario.Published[3];
        scenario.Published[3] = record with { ShardId = 1 };

        var report = scenario.Check();

        Assert.StartsWith("metadata mismatch:", Assert.Single(report.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Listener_rules_apply_when_the_bootstrap_listener_is_named()
    {
        var scenario = CleanScenario();
        var options = new InvariantOptions { BootstrapListener = LedgerScenario.Bootstrap };
        scenario.Check(options).AssertOk();

        scenario.Detach("s1", 2);
        scenario.Resume("s1", connectionId: 4, fromSeq: 6, listener: LedgerScenario.Bootstrap);
        scenario.Publish("s1", 7);

        Assert.StartsWith("resume on bootstrap: session s1", Assert.Single(scenario.Check(options).Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Identify_violations_are_reported_unless_allowed()
    {
        var scenario = CleanScenario();
        scenario.Ledger.IdentifyViolation(LedgerScenario.AppId, shardId: 1, rateLimitKey: 0, TimeSpan.FromMilliseconds(1200));

        var report = scenario.Check();

        Assert.Equal(1, report.IdentifyViolations);
        Assert.StartsWith("identify too soon: app 42 shard 1 (rate-limit key 0) identified 1200 ms", Assert.Single(report.Violations), StringComparison.Ordinal);
        Assert.True(scenario.Check(new InvariantOptions { AllowIdentifyViolations = true }).Ok);
    }

    [Fact]
    public void Report_summarises_commands_closes_and_violations()
    {
        var scenario = CleanScenario();
        scenario.Ledger.CommandPeak(1, 37);
        scenario.Ledger.CommandPeak(3, 112);
        scenario.Ledger.Close(3, "s0", 0, byServer: true, code: 4009, closeFrame: true);
        scenario.Ledger.Close(2, "s1", 1, byServer: false, code: null, closeFrame: false);

        var report = scenario.Check();
        string text = report.ToString();

        Assert.Equal(112, report.MaxCommandsPer60s);
        Assert.Equal(1, report.CountCloses(byServer: true, 4009));
        Assert.Equal(1, report.CountCloses(byServer: false, null));
        Assert.Contains("published=23", text, StringComparison.Ordinal);
        Assert.Contains("max-commands-60s=112", text, StringComparison.Ordinal);
        Assert.Contains("server:4009×1", text, StringComparison.Ordinal);
        Assert.Contains("client:none(no frame)×1", text, StringComparison.Ordinal);
        Assert.Contains("violations=0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Violations_beyond_the_listing_cap_are_summarised()
    {
        var scenario = new LedgerScenario();
        scenario.Identify("s", 0, 1, connectionId: 1);
        scenario.Dispatches("s", 1, 20);
        for (long seq = 21; seq >= 1; seq--)
        {
            scenario.Publish("s", seq);
        }

        var report = scenario.Check(new InvariantOptions { MaxViolationsListed = 5 });

        // Seq 21 first skips 1-20 (one gap), then each of 20..1 goes backwards.
        Assert.Equal(20, report.OutOfOrder);
        Assert.Equal(1, report.Gaps);
        Assert.Equal(6, report.Violations.Count);
        Assert.Equal("… and 16 more violation(s) not listed", report.Violations[^1]);
    }
}
