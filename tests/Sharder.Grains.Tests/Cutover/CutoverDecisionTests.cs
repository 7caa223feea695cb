using Sharder.Grains.Cutover;

namespace Sharder.Grains.Tests.Cutover;

public sealed class CutoverDecisionTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000);
    private static readonly TimeSpan W = TimeSpan.FromSeconds(2);
    private const long Tms = 1_000_000;

    [Theory]
    [InlineData(Tms - 1, nameof(CutoverVerdict.Publish), nameof(CutoverVerdict.Drop))]
    [InlineData(Tms, nameof(CutoverVerdict.Drop), nameof(CutoverVerdict.Publish))]
    [InlineData(Tms + 1, nameof(CutoverVerdict.Drop), nameof(CutoverVerdict.Publish))]
    [InlineData(Tms - 60_000, nameof(CutoverVerdict.Publish), nameof(CutoverVerdict.Drop))]
    public void An_event_with_a_clock_goes_out_from_exactly_one_generation_whatever_its_receive_times(
        long clock, string old, string @new)
    {
        // Receive times far apart and on either side of T change nothing: the clock alone decides.
        foreach (var receivedAt in new[] { Tms - 10_000, Tms, Tms + 10_000 })
        {
            Assert.Equal(old, $"{CutoverDecision.Decide(GenerationRole.Old, T, W, clock, receivedAt)}");
            Assert.Equal(@new, $"{CutoverDecision.Decide(GenerationRole.New, T, W, clock, receivedAt, cutoverKnownAt: Tms - 5_000)}");
        }
    }

    [Theory]
    [InlineData(Tms - 4_001, nameof(CutoverVerdict.Publish), nameof(CutoverVerdict.Drop))]
    [InlineData(Tms - 4_000, nameof(CutoverVerdict.PublishOverlap), nameof(CutoverVerdict.Drop))]
    [InlineData(Tms - 2_001, nameof(CutoverVerdict.PublishOverlap), nameof(CutoverVerdict.Drop))]
    [InlineData(Tms - 2_000, nameof(CutoverVerdict.PublishOverlap), nameof(CutoverVerdict.PublishOverlap))]
    [InlineData(Tms, nameof(CutoverVerdict.PublishOverlap), nameof(CutoverVerdict.PublishOverlap))]
    [InlineData(Tms + 1_999, nameof(CutoverVerdict.PublishOverlap), nameof(CutoverVerdict.PublishOverlap))]
    [InlineData(Tms + 2_000, nameof(CutoverVerdict.Drop), nameof(CutoverVerdict.PublishOverlap))]
    [InlineData(Tms + 3_999, nameof(CutoverVerdict.Drop), nameof(CutoverVerdict.PublishOverlap))]
    [InlineData(Tms + 4_000, nameof(CutoverVerdict.Drop), nameof(CutoverVerdict.Publish))]
    public void A_clockless_event_goes_by_receive_time_and_each_generation_marks_one_window_beyond_the_others_range(
        long receivedAt, string old, string @new)
    {
        Assert.Equal(old, $"{CutoverDecision.Decide(GenerationRole.Old, T, W, null, receivedAt)}");
        Assert.Equal(@new, $"{CutoverDecision.Decide(GenerationRole.New, T, W, null, receivedAt, cutoverKnownAt: Tms - 5_000)}");
    }

    [Fact]
    public void A_clockless_event_is_never_lost_and_never_repeated_unmarked_while_the_receive_skew_stays_under_the_window()
    {
        // The bound: for every receive time of the old session and every skew |d| < W, at least one publishes.
        for (long oldAt = Tms - 5_000; oldAt <= Tms + 5_000; oldAt += 97)
        {
            for (long skew = -1_999; skew <= 1_999; skew += 37)
            {
                var old = CutoverDecision.Decide(GenerationRole.Old, T, W, null, oldAt);
                var @new = CutoverDecision.Decide(GenerationRole.New, T, W, null, oldAt + skew, cutoverKnownAt: Tms - 1_000);
                Assert.True(
                    old != CutoverVerdict.Drop || @new != CutoverVerdict.Drop,
                    $"lost: old received at T{oldAt - Tms:+0;-0}, new at T{oldAt + skew - Tms:+0;-0}");
                if (old != CutoverVerdict.Drop && @new != CutoverVerdict.Drop)
                {
                    // A worker can only set aside a copy it knows may repeat: both copies carry the mark.
                    Assert.True(
                        old == CutoverVerdict.PublishOverlap && @new == CutoverVerdict.PublishOverlap,
                        $"duplicated with a copy unmarked: old at T{oldAt - Tms:+0;-0} ({old}), new at T{oldAt + skew - Tms:+0;-0} ({@new})");
                }
            }
        }
    }

    [Fact]
    public void A_skew_of_the_window_or_more_can_lose_a_clockless_event()
    {
        // Stated as a limit, not hidden: received by the new session at T - W - 1 and by the old one at T + W.
        Assert.Equal(CutoverVerdict.Drop, CutoverDecision.Decide(GenerationRole.Old, T, W, null, Tms + 2_000));
        Assert.Equal(CutoverVerdict.Drop, CutoverDecision.Decide(GenerationRole.New, T, W, null, Tms - 2_001, cutoverKnownAt: Tms - 5_000));
    }

    [Fact]
    public void Before_the_cutover_is_fixed_the_old_generation_publishes_everything_and_the_new_nothing()
    {
        Assert.Equal(CutoverVerdict.Publish, CutoverDecision.Decide(GenerationRole.Old, null, W, Tms + 9_999, Tms + 9_999));
        Assert.Equal(CutoverVerdict.Publish, CutoverDecision.Decide(GenerationRole.Old, null, W, null, Tms));
        Assert.Equal(CutoverVerdict.Drop, CutoverDecision.Decide(GenerationRole.New, null, W, Tms + 9_999, Tms + 9_999));
        Assert.Equal(CutoverVerdict.Drop, CutoverDecision.Decide(GenerationRole.New, null, W, null, Tms));
    }

    [Fact]
    public void The_new_generation_drops_clockless_events_it_received_before_it_learned_the_cutover()
    {
        // Its GUILD_CREATEs after READY arrive before T is fixed: the worker already has those guilds.
        Assert.Equal(CutoverVerdict.Drop, CutoverDecision.Decide(GenerationRole.New, T, W, null, Tms - 1_500, cutoverKnownAt: Tms - 1_000));
        Assert.Equal(CutoverVerdict.PublishOverlap, CutoverDecision.Decide(GenerationRole.New, T, W, null, Tms - 1_000, cutoverKnownAt: Tms - 1_000));
    }

    [Fact]
    public void A_shard_outside_a_run_publishes_everything()
    {
        Assert.Equal(CutoverVerdict.Publish, CutoverDecision.Decide(GenerationRole.Sole, T, W, Tms + 1, Tms + 1));
        Assert.Equal(CutoverVerdict.Publish, CutoverDecision.Decide(GenerationRole.Sole, null, W, null, Tms));
    }
}
