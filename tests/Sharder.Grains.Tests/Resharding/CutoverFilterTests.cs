using System.Text;
using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Sink;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Tests.Resharding;

public sealed class CutoverFilterTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_796_450_400_000);
    private static readonly TimeSpan W = TimeSpan.FromSeconds(2);

    [Fact]
    public void Outside_a_run_the_batch_goes_through_untouched()
    {
        var time = new FakeTimeProvider(Now);
        var filter = new CutoverFilter(GenerationRole.Sole, time);
        var batch = new[] { Message(1, Now.AddSeconds(5), time), Presence(2, time) };

        var result = filter.Apply(batch);

        Assert.True(result.Span.ToArray().All(d => !d.Withheld && !d.Overlap));
        Assert.Equal((1, 2), (filter.FirstPublishedSequence, filter.LastPublishedSequence));
    }

    [Fact]
    public void The_old_generation_withholds_what_the_new_one_publishes_and_both_mark_the_window()
    {
        var time = new FakeTimeProvider(Now);
        var old = new CutoverFilter(GenerationRole.Old, time);
        var @new = new CutoverFilter(GenerationRole.New, time);
        var cutover = Now.AddSeconds(1);
        old.SetCutover(cutover, W);
        @new.SetCutover(cutover, W);
        var batch = new[] { Message(10, Now.AddMilliseconds(999), time), Message(11, cutover, time), Presence(12, time) };

        var fromOld = old.Apply(batch).ToArray();
        var fromNew = @new.Apply(batch).ToArray();

        Assert.Equal([false, true, false], fromOld.Select(d => d.Withheld));
        Assert.Equal([true, false, false], fromNew.Select(d => d.Withheld));
        Assert.Equal([false, false, true], fromOld.Select(d => d.Overlap));
        Assert.Equal([false, false, true], fromNew.Select(d => d.Overlap));
        Assert.Equal((1, 1), (old.Withheld, @new.Withheld));
        Assert.Equal((10, 12), (old.FirstPublishedSequence, old.LastPublishedSequence));
        Assert.Equal((11, 12), (@new.FirstPublishedSequence, @new.LastPublishedSequence));
    }

    [Fact]
    public void The_new_generation_publishes_nothing_before_the_cutover_is_fixed_and_tracks_its_guilds()
    {
        var time = new FakeTimeProvider(Now);
        var readiness = new GuildReadiness(TimeSpan.FromSeconds(30));
        var filter = new CutoverFilter(GenerationRole.New, time, readiness);
        var ready = Dispatch(1, "READY", """{"v":10,"guilds":[{"id":"41","unavailable":true},{"id":"42","unavailable":true}]}""", time);
        var guild = Dispatch(2, "GUILD_CREATE", """{"id":"41","name":"a"}""", time);

        var result = filter.Apply(new[] { ready, guild }).ToArray();

        Assert.All(result, d => Assert.True(d.Withheld));
        Assert.Equal(-1, filter.FirstPublishedSequence);
        Assert.False(readiness.IsReady(time.GetUtcNow()));
        Assert.Equal(1, readiness.PendingGuilds);

        filter.Apply(new[] { Dispatch(3, "GUILD_DELETE", """{"id":"42","unavailable":true}""", time) });
        Assert.True(readiness.IsReady(time.GetUtcNow()));
    }

    [Fact]
    public void Guilds_that_never_come_count_as_received_after_the_guild_timeout()
    {
        var time = new FakeTimeProvider(Now);
        var readiness = new GuildReadiness(TimeSpan.FromSeconds(30));
        readiness.Observe("READY", Encoding.UTF8.GetBytes("""{"guilds":[{"id":"7","unavailable":true}]}"""), time.GetUtcNow());

        Assert.False(readiness.IsReady(time.GetUtcNow().AddSeconds(29)));
        Assert.True(readiness.IsReady(time.GetUtcNow().AddSeconds(30)));
    }

    [Fact]
    public void An_activation_that_resumed_the_session_is_ready_at_RESUMED_which_follows_the_replay()
    {
        // A new-generation shard recovered on another silo mid-run resumes: it sees no READY again.
        var time = new FakeTimeProvider(Now);
        var readiness = new GuildReadiness(TimeSpan.FromSeconds(30));
        var filter = new CutoverFilter(GenerationRole.New, time, readiness);

        filter.Apply(new[] { Dispatch(7, "GUILD_CREATE", """{"id":"41","name":"a"}""", time) });
        Assert.False(readiness.IsReady(time.GetUtcNow()));
        filter.Apply(new[] { Dispatch(8, "RESUMED", "null", time) });

        Assert.True(readiness.IsReady(time.GetUtcNow()));
    }

    [Fact]
    public void Before_READY_a_shard_is_not_ready()
        => Assert.False(new GuildReadiness(TimeSpan.Zero).IsReady(Now));

    private static ShardDispatch Message(long sequence, DateTimeOffset createdAt, TimeProvider time)
    {
        var id = (ulong)(createdAt.ToUnixTimeMilliseconds() - EventClock.DiscordEpochUnixMilliseconds) << 22;
        return Dispatch(sequence, "MESSAGE_CREATE", $$"""{"id":"{{id}}","content":"x"}""", time);
    }

    private static ShardDispatch Presence(long sequence, TimeProvider time)
        => Dispatch(sequence, "PRESENCE_UPDATE", """{"user":{"id":"1"},"status":"online"}""", time);

    private static ShardDispatch Dispatch(long sequence, string type, string data, TimeProvider time)
    {
        var head = $$"""{"op":0,"s":{{sequence}},"t":"{{type}}","d":""";
        var payload = Encoding.UTF8.GetBytes(head + data + "}");
        var start = Encoding.UTF8.GetByteCount(head);
        return new ShardDispatch("session", sequence, type, 9, payload, start..(start + Encoding.UTF8.GetByteCount(data)))
        {
            ReceivedTimestamp = time.GetTimestamp(),
        };
    }
}
