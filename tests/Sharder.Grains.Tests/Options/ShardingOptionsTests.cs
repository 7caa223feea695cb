using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sharder.Grains.Options;

namespace Sharder.Grains.Tests.Options;

public sealed class ShardingOptionsTests
{
    private readonly ShardingOptionsValidator _validator = new();

    [Fact]
    public void Nothing_set_runs_every_shard_discord_recommends()
    {
        var options = new ShardingOptions();

        var selection = options.ResolveShards(recommendedFromGateway: 3);

        Assert.True(options.UsesGatewayRecommendation);
        Assert.Equal(3, selection.Total);
        Assert.Equal([0, 1, 2], selection.ShardIds);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Nothing_set_and_no_recommendation_cannot_resolve()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ShardingOptions().ResolveShards(null));

        Assert.Contains("DISCORD_SHARD_TOTAL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_total_runs_all_its_shards_and_ignores_the_recommendation()
    {
        var selection = new ShardingOptions { ShardTotal = 4 }.ResolveShards(recommendedFromGateway: 9);

        Assert.Equal(4, selection.Total);
        Assert.Equal([0, 1, 2, 3], selection.ShardIds);
    }

    [Fact]
    public void A_range_is_inclusive_as_in_sharder_binary()
    {
        var options = new ShardingOptions { ShardTotal = 16, ShardStart = 4, ShardUntil = 7 };

        var selection = options.ResolveShards(null);

        Assert.Equal(16, selection.Total);
        Assert.Equal([4, 5, 6, 7], selection.ShardIds);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(12, null, new[] { 12, 13, 14, 15 })]
    [InlineData(null, 2, new[] { 0, 1, 2 })]
    [InlineData(15, 15, new[] { 15 })]
    public void A_range_with_one_end_runs_to_the_edge(int? start, int? until, int[] expected)
    {
        var selection = new ShardingOptions { ShardTotal = 16, ShardStart = start, ShardUntil = until }.ResolveShards(null);

        Assert.Equal(expected, selection.ShardIds);
    }

    public static TheoryData<int?, int?, int?, string[]> BadSettings => new()
    {
        { null, 0, 3, ["ShardTotal", "DISCORD_SHARD_TOTAL", "DISCORD_SHARD_START"] },
        { 0, null, null, ["DISCORD_SHARD_TOTAL", "at least 1"] },
        { 8, 5, 3, ["DISCORD_SHARD_START", "DISCORD_SHARD_UNTIL", "<="] },
        { 8, 0, 8, ["DISCORD_SHARD_UNTIL", "at most 7", "inclusive"] },
        { 8, 9, null, ["DISCORD_SHARD_START", "at most 7"] },
        { 8, -1, 3, ["DISCORD_SHARD_START", "0 or more"] },
        { 8, 0, -2, ["DISCORD_SHARD_UNTIL", "0 or more"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void The_validator_names_the_variable_and_the_fix(int? total, int? start, int? until, string[] expectedParts)
    {
        var options = new ShardingOptions { ShardTotal = total, ShardStart = start, ShardUntil = until };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.All(expectedParts, part => Assert.Contains(part, result.FailureMessage, StringComparison.Ordinal));
        Assert.Contains("set", result.FailureMessage, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => options.ResolveShards(recommendedFromGateway: 8));
    }

    [Fact]
    public void The_validator_reports_every_problem_at_once()
    {
        var result = _validator.Validate(null, new ShardingOptions { ShardTotal = 4, ShardStart = -1, ShardUntil = 9 });

        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Environment_variables_win_over_the_section()
    {
        var options = Configure(new()
        {
            ["DISCORD_SHARD_TOTAL"] = "32",
            ["DISCORD_SHARD_START"] = " 16 ",
            ["Sharding:ShardTotal"] = "8",
            ["Sharding:ShardUntil"] = "31",
        });

        Assert.Equal(32, options.ShardTotal);
        Assert.Equal(16, options.ShardStart);
        Assert.Equal(31, options.ShardUntil);
    }

    [Fact]
    public void Nothing_configured_leaves_everything_unset()
    {
        var options = Configure([]);

        Assert.Null(options.ShardTotal);
        Assert.Null(options.ShardStart);
        Assert.Null(options.ShardUntil);
    }

    [Fact]
    public void Values_that_are_not_numbers_are_all_reported_by_name()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Configure(new()
        {
            ["DISCORD_SHARD_TOTAL"] = "sixteen",
            ["Sharding:ShardStart"] = "1.5",
        }));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains("DISCORD_SHARD_TOTAL is \"sixteen\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sharding:ShardStart is \"1.5\"", error.Message, StringComparison.Ordinal);
    }

    private static ShardingOptions Configure(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new ShardingOptions();
        new ConfigureShardingOptions(configuration).Configure(options);
        return options;
    }
}
