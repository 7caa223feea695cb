using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Fills <see cref="CoordinatorOptions"/> from <c>Coordinator:IdentifyWindow</c>, <c>IdentifySlotGrace</c>,
/// <c>BudgetReserve</c>, <c>GatewayInfoRefresh</c>, <c>BudgetRefreshMinInterval</c> and <c>LedgerKeyPrefix</c>.
/// </summary>
/// <exception cref="OptionsValidationException">A value does not parse.</exception>
public sealed class ConfigureCoordinatorOptions(IConfiguration configuration) : IConfigureOptions<CoordinatorOptions>
{
    /// <inheritdoc />
    public void Configure(CoordinatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = CoordinatorOptions.SectionName;
        var reader = new ConfigurationReader(configuration);

        options.IdentifyWindow = reader.ReadTimeSpan(options.IdentifyWindow, $"{Section}:{nameof(CoordinatorOptions.IdentifyWindow)}");
        options.IdentifySlotGrace = reader.ReadTimeSpan(
            options.IdentifySlotGrace, $"{Section}:{nameof(CoordinatorOptions.IdentifySlotGrace)}");
        options.BudgetReserve = reader.ReadInt32(options.BudgetReserve, $"{Section}:{nameof(CoordinatorOptions.BudgetReserve)}");
        options.GatewayInfoRefresh = reader.ReadTimeSpan(
            options.GatewayInfoRefresh, $"{Section}:{nameof(CoordinatorOptions.GatewayInfoRefresh)}");
        options.BudgetRefreshMinInterval = reader.ReadTimeSpan(
            options.BudgetRefreshMinInterval, $"{Section}:{nameof(CoordinatorOptions.BudgetRefreshMinInterval)}");
        options.LedgerKeyPrefix = reader.Find($"{Section}:{nameof(CoordinatorOptions.LedgerKeyPrefix)}")?.Value ?? options.LedgerKeyPrefix;

        if (reader.Failures.Count > 0)
        {
            throw new OptionsValidationException(MsOptions.DefaultName, typeof(CoordinatorOptions), reader.Failures);
        }
    }
}
