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

    [Theory]
    [InlineData(8, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(100, 10)]
    public void The_reserve_is_ten_percent_of_the_new_total_and_at_least_one(int total, int reserve)
        => Assert.Equal(reserve, new ReshardOptions().ReserveFor(total));
}
