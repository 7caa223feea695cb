using Sharder.Client.Sharding;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>
/// Parsing <c>{prefix}:sharding</c> (<see cref="ShardingRecordParser"/>): which generations a worker consumes in each
/// state of a run, their list names, and a clear exception for whatever the silo would not write.
/// </summary>
public sealed class ShardingRecordParserTests
{
    private const string Prefix = "bot";
    private const string Key = "bot:sharding";

    [Fact]
    public void Without_a_run_only_the_total_in_service_is_consumed_with_unqualified_names()
    {
        var snapshot = Parse(("total", "4"), ("base_total", "4"), ("configured", "4"));

        Assert.Equal(4, snapshot.TotalInService);
        Assert.Equal(4, snapshot.BaseTotal);
        Assert.Null(snapshot.Run);
        var generation = Assert.Single(snapshot.Generations);
        Assert.Same(generation, snapshot.InService);
        Assert.Equal((4, GenerationUse.InService, true), (generation.Total, generation.Use, generation.HasUnqualifiedKeys));
        Assert.Equal(["bot:{shard:0}:events", "bot:{shard:1}:events", "bot:{shard:2}:events", "bot:{shard:3}:events"], generation.EventLists());
    }

    [Fact]
    public void A_record_without_base_total_takes_the_total_as_the_base_as_the_silo_does()
    {
        var snapshot = Parse(("total", "6"));

        Assert.Equal(6, snapshot.BaseTotal);
        Assert.Equal("bot:{shard:5}:events:MESSAGE_CREATE", snapshot.InService.EventList(5, "events:MESSAGE_CREATE"));
    }

    [Theory]
    [InlineData("starting")]
    [InlineData("identifying")]
    [InlineData("ready")]
    [InlineData("switching")]
    public void During_a_run_the_old_generation_is_in_service_and_the_new_one_is_incoming(string state)
    {
        var snapshot = Parse(Run(state, total: 4, from: 4, to: 8, cutover: state == "switching" ? "1796450887072" : ""));

        Assert.True(snapshot.Run!.IsActive);
        Assert.Equal(4, snapshot.TotalInService);
        Assert.Equal([(4, GenerationUse.InService), (8, GenerationUse.Incoming)], snapshot.Generations.Select(g => (g.Total, g.Use)));
        Assert.Equal("bot:{shard:3}:events", snapshot.Generations[0].EventList(3));
        Assert.Equal("bot:{shard:7/8}:events", snapshot.Generations[1].EventList(7));
        Assert.Equal(8, snapshot.Generations[1].EventLists().Count);
        Assert.Equal(state == "switching" ? DateTimeOffset.FromUnixTimeMilliseconds(1796450887072) : null, snapshot.Run.Cutover);
    }

    [Fact]
    public void After_a_completed_run_the_new_generation_is_in_service_and_the_old_one_is_drained()
    {
        var snapshot = Parse(Run("completed", total: 8, from: 4, to: 8));

        Assert.False(snapshot.Run!.IsActive);
        Assert.Equal(new ReshardRunSummary("9f2c6a1b4e7d", 4, 8, ReshardRunState.Completed, DateTimeOffset.FromUnixTimeMilliseconds(1796450887072)), snapshot.Run);
        Assert.Equal([(8, GenerationUse.InService), (4, GenerationUse.Draining)], snapshot.Generations.Select(g => (g.Total, g.Use)));
        Assert.Equal("bot:{shard:7/8}:events", snapshot.InService.EventList(7));
        Assert.Equal("bot:{shard:3}:events", snapshot.Generations[1].EventList(3));
    }

    [Fact]
    public void After_a_rollback_the_old_generation_stays_in_service_and_the_new_ones_lists_are_drained()
    {
        var snapshot = Parse(Run("rolled_back", total: 4, from: 4, to: 8, cutover: ""));

        Assert.Equal([(4, GenerationUse.InService), (8, GenerationUse.Draining)], snapshot.Generations.Select(g => (g.Total, g.Use)));
        Assert.Null(snapshot.Run!.Cutover);
    }

    [Fact]
    public void A_run_back_to_the_first_total_names_the_first_generation_unqualified_again()
    {
        var snapshot = Parse(Run("identifying", total: 8, from: 8, to: 4));

        Assert.Equal("bot:{shard:7/8}:events", snapshot.InService.EventList(7));
        Assert.Equal("bot:{shard:3}:events", snapshot.Generations[1].EventList(3));
        Assert.True(snapshot.Generations[1].HasUnqualifiedKeys);
    }

    [Fact]
    public void The_largest_total_accepted_is_the_silos_limit_for_a_run()
        => Assert.Equal(ushort.MaxValue, Parse(("total", "65535")).TotalInService);

    [Fact]
    public void Unknown_fields_are_ignored()
        => Assert.Equal(4, Parse(("total", "4"), ("base_total", "4"), ("added_by_a_later_silo", "x{}")).TotalInService);

    public static TheoryData<(string Name, string Value)[], string> Malformed => new()
    {
        { [("base_total", "4")], "has no field 'total'" },
        { [("total", "four")], "field 'total' is 'four'" },
        { [("total", "0")], "field 'total' is '0'" },
        { [("total", "-4")], "field 'total' is '-4'" },
        { [("total", " 4")], "field 'total' is ' 4'" },
        { [("total", "4.0")], "field 'total' is '4.0'" },
        { [("total", "99999999999")], "field 'total' is '99999999999'" },
        { [("total", "65536")], "from 1 to 65535" },
        { [("total", new string('9', 500))], "(500 characters)" },
        { [("total", "4"), ("base_total", "")], "field 'base_total' is ''" },
        { [("total", "4"), ("run", "r1"), ("to", "8"), ("state", "identifying")], "has a run but no field 'from'" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("state", "identifying")], "has a run but no field 'to'" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "8")], "has a run but no field 'state'" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "paused")], "field 'state' is 'paused'" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "4"), ("state", "identifying")], "from 4 to the same total" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "switching"), ("cutover", "soon")], "field 'cutover' is 'soon'" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "switching"), ("cutover", "999999999999999999")], "field 'cutover'" },
        { [("total", "8"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "identifying")], "has total 8 but a run from 4 to 8 in state identifying, which leaves 4 in service" },
        { [("total", "4"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "completed")], "which leaves 8 in service" },
        { [("total", "8"), ("run", "r1"), ("from", "4"), ("to", "8"), ("state", "rolled_back")], "which leaves 4 in service" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_record_the_silo_would_not_write_fails_with_a_message_naming_the_key_and_the_field((string Name, string Value)[] fields, string expected)
    {
        var exception = Assert.Throws<ShardingRecordFormatException>(() => Parse(fields));

        Assert.StartsWith($"The sharding record {Key} ", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    private static (string Name, string Value)[] Run(string state, int total, int from, int to, string cutover = "1796450887072")
        =>
        [
            ("total", total.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("base_total", "4"),
            ("configured", "4"),
            ("run", "9f2c6a1b4e7d"),
            ("state", state),
            ("from", from.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("to", to.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("started_at", "1796450880000"),
            ("cutover", cutover),
            ("window_ms", "1000"),
            ("ended_at", ""),
            ("reason", ""),
        ];

    private static ShardingSnapshot Parse(params (string Name, string Value)[] fields)
        => ShardingRecordParser.Parse(Key, Prefix, [.. fields.Select(field => new HashEntry(field.Name, field.Value))]);
}
