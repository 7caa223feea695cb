using Microsoft.Extensions.Time.Testing;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

public sealed class IdentifySchedulerSlotTests
{
    private readonly FakeTimeProvider _clock = Clock();

    [Fact]
    public void First_request_on_an_idle_key_gets_now()
    {
        var scheduler = Create(_clock);

        var grant = scheduler.Request(shardId: 0, shardCount: 1);

        Assert.Equal(Start, grant.Slot());
        Assert.Equal(0, grant.RateLimitKey);
        Assert.Equal(IdentifyRefusalReason.None, grant.Reason);
        Assert.Null(grant.RetryAt);
    }

    [Fact]
    public void With_a_connect_lead_no_slot_is_sooner_than_the_lead_and_busy_keys_keep_the_window()
    {
        var lead = TimeSpan.FromSeconds(2);
        var scheduler = new IdentifyScheduler(null, Settings(), _clock, lead);
        scheduler.ApplyGatewayInfo(1000, 1000, TimeSpan.FromHours(20), maxConcurrency: 1);

        var slots = Enumerable.Range(0, 3).Select(shard => scheduler.Request(shard, 3).Slot()).ToArray();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var idleAgain = scheduler.Request(0, 3).Slot();

        Assert.Equal([Start + lead, Start + lead + Window, Start + lead + (2 * Window)], slots);
        Assert.Equal(_clock.GetUtcNow() + lead, idleAgain);
    }

    [Fact]
    public void Requests_on_one_key_are_spaced_by_the_window_and_never_wait_inside_the_call()
    {
        var scheduler = Create(_clock, maxConcurrency: 1);

        var slots = Enumerable.Range(0, 4).Select(shard => scheduler.Request(shard, 4).Slot()).ToArray();

        Assert.Equal([Start, Start + Window, Start + (2 * Window), Start + (3 * Window)], slots);
        Assert.Equal(Start, _clock.GetUtcNow());
    }

    [Fact]
    public void Different_keys_share_a_window()
    {
        var scheduler = Create(_clock, maxConcurrency: 4);

        var grants = Enumerable.Range(0, 4).Select(shard => scheduler.Request(shard, 8)).ToArray();

        Assert.All(grants, grant => Assert.Equal(Start, grant.Slot()));
        Assert.Equal([0, 1, 2, 3], grants.Select(grant => grant.RateLimitKey!.Value));
    }

    [Fact]
    public void A_key_idle_for_longer_than_the_window_grants_now()
    {
        var scheduler = Create(_clock);
        scheduler.Request(0, 2);

        _clock.Advance(TimeSpan.FromSeconds(30));
        var later = scheduler.Request(1, 2);

        Assert.Equal(Start + TimeSpan.FromSeconds(30), later.Slot());
    }

    [Fact]
    public void A_request_inside_the_window_gets_the_rest_of_the_window()
    {
        var scheduler = Create(_clock);
        scheduler.Request(0, 2);

        _clock.Advance(TimeSpan.FromSeconds(2));
        var next = scheduler.Request(1, 2);

        Assert.Equal(Start + Window, next.Slot());
    }

    [Fact]
    public void Cold_start_in_shard_order_starts_buckets_in_order()
    {
        // 32 shards, max_concurrency 16: shards 0-15 now, 16-31 one window later (GP §8.2).
        var scheduler = Create(_clock, maxConcurrency: 16);

        var slots = Enumerable.Range(0, 32).Select(shard => scheduler.Request(shard, 32).Slot()).ToArray();

        for (var shard = 0; shard < 32; shard++)
        {
            Assert.Equal(Start + ((shard / 16) * Window), slots[shard]);
        }
    }

    [Fact]
    public void A_batch_is_granted_in_shard_order_whatever_order_it_is_given_in()
    {
        var scheduler = Create(_clock, maxConcurrency: 4);
        var shuffled = Enumerable.Range(0, 16).OrderBy(shard => (shard * 7) % 16).ToArray();
        Assert.NotEqual(Enumerable.Range(0, 16), shuffled);

        var grants = scheduler.RequestMany(shuffled, 16);

        Assert.Equal(Enumerable.Range(0, 16), grants.Select(grant => grant.ShardId));
        foreach (var grant in grants)
        {
            Assert.Equal(Start + ((grant.ShardId / 4) * Window), grant.Slot());
        }
    }

    [Fact]
    public void A_batch_of_a_shard_range_counts_buckets_from_the_first_one()
    {
        var scheduler = Create(_clock, maxConcurrency: 4);

        var grants = scheduler.RequestMany([15, 8, 12, 9, 14, 10, 13, 11, 8], 16);

        Assert.Equal(8, grants.Count);
        foreach (var grant in grants)
        {
            Assert.Equal(Start + (((grant.ShardId - 8) / 4) * Window), grant.Slot());
        }
    }

    [Fact]
    public void Single_requests_out_of_order_keep_the_spacing_and_follow_arrival_order()
    {
        // The documented limit of the first-come rule: bucket order follows arrival order.
        var scheduler = Create(_clock, maxConcurrency: 2);

        var late = scheduler.Request(shardId: 4, shardCount: 6);
        var early = scheduler.Request(shardId: 0, shardCount: 6);

        Assert.Equal(late.RateLimitKey, early.RateLimitKey);
        Assert.Equal(Start, late.Slot());
        Assert.Equal(Start + Window, early.Slot());
    }

    [Fact]
    public void Slots_on_a_key_are_never_closer_than_the_window_under_any_interleaving()
    {
        var random = new Random(1234);
        const int MaxConcurrency = 4;
        const int ShardCount = 40;
        var scheduler = Create(_clock, maxConcurrency: MaxConcurrency, total: 100_000);
        var slotsByKey = new Dictionary<int, List<DateTimeOffset>>();

        for (var i = 0; i < 2_000; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3_000)));
            var requestedAt = _clock.GetUtcNow();
            var grant = scheduler.Request(random.Next(ShardCount), ShardCount);

            Assert.True(grant.Slot() >= requestedAt, "a slot lies in the past");
            var key = grant.RateLimitKey!.Value;
            Assert.Equal(grant.ShardId % MaxConcurrency, key);
            if (!slotsByKey.TryGetValue(key, out var slots))
            {
                slotsByKey[key] = slots = [];
            }

            slots.Add(grant.Slot());
        }

        foreach (var (key, slots) in slotsByKey)
        {
            for (var i = 1; i < slots.Count; i++)
            {
                Assert.True(slots[i] - slots[i - 1] >= Window, $"key {key}: slots {slots[i - 1]:O} and {slots[i]:O}");
            }
        }
    }

    [Fact]
    public void A_restarted_scheduler_continues_from_the_persisted_slots()
    {
        var first = Create(_clock);
        var before = first.Request(0, 2).Slot();

        var second = new IdentifyScheduler(first.State, Settings(), _clock);
        var after = second.Request(1, 2).Slot();

        Assert.Equal(before + Window, after);
        Assert.Equal(first.State.Remaining - 1, second.State.Remaining);
    }

    [Fact]
    public void A_changed_max_concurrency_holds_every_new_key_until_the_window_after_the_latest_slot()
    {
        var scheduler = Create(_clock, maxConcurrency: 2);
        scheduler.Request(0, 8);
        var latest = scheduler.Request(2, 8).Slot();

        scheduler.ApplyGatewayInfo(1000, 990, TimeSpan.FromHours(20), maxConcurrency: 4);
        var grants = scheduler.RequestMany([0, 1, 2, 3], 8);

        Assert.All(grants, grant => Assert.Equal(latest + Window, grant.Slot()));
    }

    [Fact]
    public void Status_shows_the_next_free_slot_per_key()
    {
        var scheduler = Create(_clock, maxConcurrency: 3);
        scheduler.Request(1, 3);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var status = scheduler.GetStatus();

        Assert.Equal<DateTimeOffset>([Start + TimeSpan.FromSeconds(1), Start + Window, Start + TimeSpan.FromSeconds(1)], status.NextFreeSlotByKey);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(4, 4)]
    [InlineData(0, 0)]
    public void Rejects_a_shard_outside_the_shard_count(int shardId, int shardCount)
    {
        var scheduler = Create(_clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Request(shardId, shardCount));
        Assert.Equal(0, scheduler.State.Grants);
    }
}
