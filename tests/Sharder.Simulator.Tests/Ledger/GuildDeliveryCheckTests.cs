using System.Globalization;
using Sharder.Simulator.Ledger;

namespace Sharder.Simulator.Tests.Ledger;

/// <summary>The per-guild check across generations on synthetic publications (a worker's pops).</summary>
public sealed class GuildDeliveryCheckTests
{
    private const string Message = "MESSAGE_CREATE";
    private const string Presence = "PRESENCE_UPDATE";

    [Fact]
    public void A_clean_switch_passes_and_reports_the_overlap_window_and_the_gap()
    {
        var scenario = new ReshardScenario();
        var events = CleanSwitch(scenario);

        var report = scenario.Check();

        report.AssertOk();
        Assert.Equal(events.Count, report.Produced);
        Assert.Equal(events.Count(e => e.Type == Message), report.IdentityChecked);
        Assert.Equal((0, 0), (report.Lost, report.Duplicates));
        Assert.Equal(2, report.OverlapDuplicates);
        Assert.Equal((events[10].ProducedAt, events[11].ProducedAt), report.OverlapWindow);
        Assert.Equal(2, report.Guilds.Count);
        // Every event is popped once, alternating guilds: each guild's gap is two steps, as produced.
        Assert.Equal(ReshardScenario.Step * 2, report.MaxGap.Gap);
        Assert.Equal(report.MaxGap.Baseline, report.MaxGap.Gap);
    }

    [Fact]
    public void A_lost_identity_event_fails_naming_the_guild_and_the_event()
    {
        var scenario = new ReshardScenario();
        var events = CleanSwitch(scenario);
        var missing = events[12];
        scenario.Popped.RemoveAll(p => p.EventUid == missing.EventUid);

        var report = scenario.Check();

        Assert.False(report.Ok);
        Assert.Equal(1, report.Lost);
        var violation = Assert.Single(report.Violations);
        Assert.StartsWith("lost:", violation, StringComparison.Ordinal);
        Assert.Contains($"guild {missing.GuildId}", violation, StringComparison.Ordinal);
        Assert.Contains($"{Message} uid {missing.EventUid}", violation, StringComparison.Ordinal);
        Assert.Throws<InvariantViolationException>(report.AssertOk);
    }

    [Fact]
    public void A_lost_event_without_identity_fails_too()
    {
        var scenario = new ReshardScenario();
        var events = CleanSwitch(scenario);
        var missing = events.First(e => e.Type == Presence);
        scenario.Popped.RemoveAll(p => p.EventUid == missing.EventUid);

        var violation = Assert.Single(scenario.Check().Violations);

        Assert.Contains($"lost: guild {missing.GuildId} {Presence} uid {missing.EventUid}", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_event_popped_from_both_generations_is_a_duplicate_even_when_marked_overlap()
    {
        var scenario = new ReshardScenario();
        var events = CleanSwitch(scenario);
        var twice = events[9];
        Assert.Equal(Message, twice.Type);
        scenario.Pop(twice, overlap: true);

        var report = scenario.Check();

        Assert.Equal(1, report.Duplicates);
        var violation = Assert.Single(report.Violations);
        Assert.StartsWith($"duplicate: guild {twice.GuildId} {Message} uid {twice.EventUid}", violation, StringComparison.Ordinal);
        Assert.Contains("popped 2 times", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_without_identity_popped_twice_without_the_overlap_mark_fails()
    {
        var scenario = new ReshardScenario();
        var events = CleanSwitch(scenario);
        var presence = events.First(e => e.Type == Presence && e.ProducedAt < events[9].ProducedAt);
        scenario.Pop(presence);

        var report = scenario.Check();

        var relative = scenario.Check(new GuildDeliveryOptions { Cutover = events[10].ProducedAt });

        var violation = Assert.Single(report.Violations);
        Assert.StartsWith($"unmarked duplicate: guild {presence.GuildId} {Presence} uid {presence.EventUid}", violation, StringComparison.Ordinal);
        Assert.Equal(1, report.Duplicates);
        var offset = (events[10].ProducedAt - presence.ProducedAt).TotalMilliseconds;
        Assert.Contains($"(T − {offset:0} ms)", Assert.Single(relative.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_one_of_two_copies_marked_is_an_unmarked_duplicate()
    {
        var scenario = new ReshardScenario();
        var presence = scenario.Produce(Presence, ReshardScenario.GuildA);
        scenario.Pop(presence, overlap: true);
        scenario.Pop(presence, overlap: false);

        var violation = Assert.Single(scenario.Check().Violations);

        Assert.Contains("1 of them without the overlap mark", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Three_marked_copies_are_more_than_the_overlap_allows()
    {
        var scenario = new ReshardScenario();
        var presence = scenario.Produce(Presence, ReshardScenario.GuildA);
        for (int i = 0; i < 3; i++)
        {
            scenario.Pop(presence, overlap: true);
        }

        var violation = Assert.Single(scenario.Check().Violations);

        Assert.Contains("popped 3 times, more than 2 overlap copies", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_no_session_received_are_not_lost_and_session_dispatches_are_ignored_but_unknown_uids_fail()
    {
        var scenario = new ReshardScenario();
        var unsent = scenario.ProduceUnsent(Message, ReshardScenario.GuildA);
        long ready = scenario.SessionDispatch("old", "READY");
        var message = scenario.Produce(Message, ReshardScenario.GuildA);
        scenario.Popped.Add(new PoppedEvent(ready, "READY", null, Overlap: false));
        scenario.Popped.Add(new PoppedEvent(0, "READY", null, Overlap: false));
        scenario.Pop(message);

        var clean = scenario.Check();
        scenario.Popped.Add(new PoppedEvent(999_999_999, Message, ReshardScenario.GuildB, Overlap: false));
        var withUnknown = scenario.Check();

        clean.AssertOk();
        Assert.Equal((1, 1, 2), (clean.Produced, clean.NeverSent, clean.SessionScoped));
        Assert.NotEqual(unsent.EventUid, message.EventUid);
        Assert.Equal(1, withUnknown.Unknown);
        Assert.Contains(withUnknown.Violations, v => v.StartsWith("unknown:", StringComparison.Ordinal) && v.Contains("999999999", StringComparison.Ordinal));
    }

    [Fact]
    public void The_gap_is_the_longest_produce_time_span_the_worker_did_not_cover_in_pop_order()
    {
        var scenario = new ReshardScenario();
        var events = Enumerable.Range(0, 10).Select(_ => scenario.Produce(Presence, ReshardScenario.GuildA)).ToList();
        // The new generation's events 6..9 are popped before the old generation's late 3..5: events 3..5 do not
        // shorten the gap from 2 to 6 (the worker had nothing between them when it popped 6).
        foreach (int i in new[] { 0, 1, 2, 6, 7, 8, 9, 3, 4, 5 })
        {
            scenario.Pop(events[i]);
        }

        var report = scenario.Check();

        report.AssertOk();
        Assert.Equal(ReshardScenario.Step * 4, report.MaxGap.Gap);
        Assert.Equal(ReshardScenario.Step, report.MaxGap.Baseline);
        Assert.Equal(ReshardScenario.GuildA, report.MaxGap.GuildId);
    }

    [Fact]
    public void The_gap_can_be_limited_to_a_time_range()
    {
        var scenario = new ReshardScenario();
        var events = Enumerable.Range(0, 10).Select(_ => scenario.Produce(Presence, ReshardScenario.GuildA)).ToList();
        foreach (int i in new[] { 0, 4, 5, 6, 7, 8, 9 })
        {
            scenario.Pop(events[i]);
        }

        var report = scenario.Check(new GuildDeliveryOptions { GapFrom = events[5].ProducedAt });

        Assert.Equal(ReshardScenario.Step, report.MaxGap.Gap);
        Assert.Equal(3, report.Lost);
        Assert.All(report.Violations, v => Assert.Contains(ReshardScenario.GuildA.ToString(CultureInfo.InvariantCulture), v, StringComparison.Ordinal));
    }

    /// <summary>
    /// 20 events alternating guilds A and B, messages and presences. The cut-over lies at event 10: the old
    /// generation publishes messages before it, the new one from it on; presences produced in the window
    /// (events 9..11) come from both, marked overlap; the rest once.
    /// </summary>
    private static List<ProducedRecord> CleanSwitch(ReshardScenario scenario)
    {
        var events = new List<ProducedRecord>();
        for (int i = 0; i < 20; i++)
        {
            events.Add(scenario.Produce(i % 4 < 2 ? Message : Presence, i % 2 == 0 ? ReshardScenario.GuildA : ReshardScenario.GuildB));
        }

        foreach (var (i, record) in events.Index())
        {
            bool inWindow = i is >= 9 and <= 11;
            if (record.Type == Presence && inWindow)
            {
                scenario.Pop(record, overlap: true);
                scenario.Pop(record, overlap: true);
            }
            else
            {
                scenario.Pop(record, overlap: inWindow);
            }
        }

        return events;
    }
}
