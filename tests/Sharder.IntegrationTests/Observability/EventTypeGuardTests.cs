using Sharder.Grains.Diagnostics;

namespace Sharder.IntegrationTests.Observability;

/// <summary>The event-type tag stays bounded whatever types a gateway invents.</summary>
public sealed class EventTypeGuardTests
{
    [Fact]
    public void The_first_types_keep_their_name_later_ones_are_other_and_known_ones_stay_named()
    {
        var guard = new EventTypeGuard(capacity: 3, overflow: "other");

        Assert.Equal("READY", guard.Tag("READY"));
        Assert.Equal("GUILD_CREATE", guard.Tag("GUILD_CREATE"));
        Assert.Equal("READY", guard.Tag("READY"));
        Assert.Equal("MESSAGE_CREATE", guard.Tag("MESSAGE_CREATE"));
        Assert.Equal("other", guard.Tag("TYPING_START"));
        Assert.Equal("other", guard.Tag("INVENTED_1"));
        Assert.Equal("GUILD_CREATE", guard.Tag("GUILD_CREATE"));
    }

    [Fact]
    public void Thousands_of_distinct_types_give_at_most_capacity_plus_one_tags()
    {
        var guard = new EventTypeGuard(SharderInstruments.MaxEventTypes, SharderInstruments.OtherTag);

        var tags = Enumerable.Range(0, 5_000).AsParallel().Select(i => guard.Tag($"TYPE_{i}")).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(SharderInstruments.MaxEventTypes + 1, tags.Count);
        Assert.Contains(SharderInstruments.OtherTag, tags);
    }
}
