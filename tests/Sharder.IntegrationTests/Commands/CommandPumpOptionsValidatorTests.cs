using Microsoft.Extensions.Configuration;
using Sharder.Grains.Commands;

namespace Sharder.IntegrationTests.Commands;

public sealed class CommandPumpOptionsValidatorTests
{
    private readonly CommandPumpOptionsValidator _validator = new();

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new CommandPumpOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal("sharder", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BlockTimeout);
        Assert.Equal([3, 4, 8, 31, 43], options.EffectiveAllowedOps);
        Assert.Equal(10_000, options.DeadLetterMaxLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(99)]
    [InlineData(0)]
    public void AllowedOps_NeverTheShardsOwnOrUnknownOps(int op)
    {
        var failures = _validator.Validate(null, new CommandPumpOptions { AllowedOps = [3, op] }).Failures;

        Assert.Contains(failures!, f => f.StartsWith("Redis:Commands:AllowedOps is", StringComparison.Ordinal));
    }

    [Fact]
    public void AllowedOps_BindFromConfiguration_ReplacingTheDefault()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Commands:AllowedOps:0"] = "3",
            ["Redis:Commands:AllowedOps:1"] = "8",
            ["Redis:Commands:DeadLetterMaxLength"] = "50",
            ["Redis:Commands:UndeliverableAfter"] = "00:10:00",
        }).Build();
        var options = new CommandPumpOptions();

        configuration.GetSection(CommandPumpOptions.SectionName).Bind(options);

        Assert.Equal([3, 8], options.EffectiveAllowedOps);
        Assert.Equal(50, options.DeadLetterMaxLength);
        Assert.Equal(TimeSpan.FromMinutes(10), options.UndeliverableAfter);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void AllowedOps_ASubset_IsValidAndEffective()
    {
        var options = new CommandPumpOptions { AllowedOps = [3, 8] };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal([3, 8], options.EffectiveAllowedOps);
    }

    [Fact]
    public void EveryProblem_IsReportedWithItsProperty()
    {
        var options = new CommandPumpOptions
        {
            KeyPrefix = " ",
            BlockTimeout = TimeSpan.FromMilliseconds(1),
            ResponseTimeout = TimeSpan.Zero,
            ReconnectBaseDelay = TimeSpan.FromSeconds(5),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            RedeliveryDelay = TimeSpan.FromDays(1),
            AllowedOps = [3, 2],
            DeadLetterMaxLength = -1,
            UndeliverableAfter = TimeSpan.FromMilliseconds(500),
        };

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:UndeliverableAfter is 00:00:00.5000000;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:KeyPrefix is \" \";", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:BlockTimeout is 00:00:00.0010000;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:ResponseTimeout is 00:00:00;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:RedeliveryDelay is 1.00:00:00;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:AllowedOps is [3, 2];", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:DeadLetterMaxLength is -1;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:ReconnectMaxDelay (00:00:01) is below", StringComparison.Ordinal));
    }
}
