using Sharder.Grains.Resharding;

namespace Sharder.Grains.Tests.Resharding;

public sealed class ReshardOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
        => Assert.True(new ReshardOptionsValidator().Validate(null, new ReshardOptions()).Succeeded);

    [Fact]
    public void Every_problem_is_reported_with_its_setting()
    {
        var result = new ReshardOptionsValidator().Validate(null, new ReshardOptions
        {
            OverlapWindow = TimeSpan.Zero,
            DrainLag = TimeSpan.FromSeconds(-1),
            SessionStartReserve = -1,
        });

        Assert.True(result.Failed);
        Assert.Contains("Reshard:OverlapWindow", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Reshard:DrainLag", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Reshard:SessionStartReserve", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cutover_lead_shorter_than_twice_the_overlap_window_is_refused_naming_both_settings()
    {
        var options = new ReshardOptions { OverlapWindow = TimeSpan.FromSeconds(2), CutoverLead = TimeSpan.FromSeconds(3) };

        var result = new ReshardOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Reshard:CutoverLead is 00:00:03; set it to at least twice Reshard:OverlapWindow (00:00:04)", result.FailureMessage, StringComparison.Ordinal);
        options.CutoverLead = TimeSpan.FromSeconds(4);
        Assert.True(new ReshardOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(100, 10)]
    public void The_reserve_is_ten_percent_of_the_new_total_and_at_least_one(int total, int reserve)
        => Assert.Equal(reserve, new ReshardOptions().ReserveFor(total));
}
