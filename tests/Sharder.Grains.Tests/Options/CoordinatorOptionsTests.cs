using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sharder.Grains.Options;

namespace Sharder.Grains.Tests.Options;

public sealed class CoordinatorOptionsTests
{
    private readonly CoordinatorOptionsValidator _validator = new();

    [Fact]
    public void Defaults_follow_discord_and_are_valid()
    {
        var options = new CoordinatorOptions();

        Assert.Equal(TimeSpan.FromSeconds(5.3), options.IdentifyWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(150), options.IdentifySlotGrace);
        Assert.Equal(10, options.BudgetReserve);
        Assert.Equal(TimeSpan.FromMinutes(5), options.GatewayInfoRefresh);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BudgetRefreshMinInterval);
        Assert.Equal("sharder", options.LedgerKeyPrefix);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_short_window_for_simulator_tests_is_allowed()
    {
        var options = new CoordinatorOptions
        {
            IdentifyWindow = TimeSpan.FromMilliseconds(50),
            IdentifySlotGrace = TimeSpan.FromMilliseconds(10),
            BudgetReserve = 0,
        };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    public static TheoryData<string, Action<CoordinatorOptions>> SingleProblems => new()
    {
        { nameof(CoordinatorOptions.IdentifyWindow), o => o.IdentifyWindow = TimeSpan.Zero },
        { nameof(CoordinatorOptions.IdentifyWindow), o => o.IdentifyWindow = TimeSpan.FromMinutes(2) },
        { nameof(CoordinatorOptions.IdentifySlotGrace), o => o.IdentifySlotGrace = TimeSpan.Zero },
        { nameof(CoordinatorOptions.IdentifySlotGrace), o => o.IdentifySlotGrace = o.IdentifyWindow },
        { nameof(CoordinatorOptions.BudgetReserve), o => o.BudgetReserve = -1 },
        { nameof(CoordinatorOptions.GatewayInfoRefresh), o => o.GatewayInfoRefresh = TimeSpan.FromMilliseconds(10) },
        { nameof(CoordinatorOptions.GatewayInfoRefresh), o => o.GatewayInfoRefresh = TimeSpan.FromDays(1) },
        { nameof(CoordinatorOptions.BudgetRefreshMinInterval), o => o.BudgetRefreshMinInterval = TimeSpan.FromMilliseconds(10) },
        { nameof(CoordinatorOptions.BudgetRefreshMinInterval), o => o.BudgetRefreshMinInterval = TimeSpan.FromMinutes(6) },
        { nameof(CoordinatorOptions.LedgerKeyPrefix), o => o.LedgerKeyPrefix = " " },
        { nameof(CoordinatorOptions.LedgerKeyPrefix), o => o.LedgerKeyPrefix = "my bot" },
    };

    [Theory]
    [MemberData(nameof(SingleProblems))]
    public void Reports_a_problem_naming_the_setting(string property, Action<CoordinatorOptions> breakIt)
    {
        var options = new CoordinatorOptions();
        breakIt(options);

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.StartsWith($"Coordinator:{property} ", failure, StringComparison.Ordinal);
        Assert.Contains("set it", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:IdentifyWindow"] = "00:00:00.200",
            ["Coordinator:IdentifySlotGrace"] = "00:00:00.050",
            ["Coordinator:BudgetReserve"] = "3",
            ["Coordinator:BudgetRefreshMinInterval"] = "00:00:10",
            ["Coordinator:LedgerKeyPrefix"] = "botA",
        }).Build();
        var options = new CoordinatorOptions();

        new ConfigureCoordinatorOptions(configuration).Configure(options);

        Assert.Equal(TimeSpan.FromMilliseconds(200), options.IdentifyWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.IdentifySlotGrace);
        Assert.Equal(3, options.BudgetReserve);
        Assert.Equal(TimeSpan.FromSeconds(10), options.BudgetRefreshMinInterval);
        Assert.Equal("botA", options.LedgerKeyPrefix);
        Assert.Equal(CoordinatorOptions.DEFAULT_GATEWAY_INFO_REFRESH, options.GatewayInfoRefresh);
    }

    [Fact]
    public void A_value_that_does_not_parse_is_reported_by_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:GatewayInfoRefresh"] = "five minutes",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ConfigureCoordinatorOptions(configuration).Configure(new CoordinatorOptions()));

        Assert.Contains("Coordinator:GatewayInfoRefresh is \"five minutes\"", error.Message, StringComparison.Ordinal);
    }
}
