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
            DeliveryTimeout = TimeSpan.FromDays(1),
        };

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:KeyPrefix is \" \";", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:BlockTimeout is 00:00:00.0010000;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:ResponseTimeout is 00:00:00;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:DeliveryTimeout is 1.00:00:00;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Commands:ReconnectMaxDelay (00:00:01) is below", StringComparison.Ordinal));
    }
}
