using Microsoft.Extensions.Options;

namespace Sharder.Grains.Options;

/// <summary>Checks <see cref="CoordinatorOptions"/> and reports every problem at once.</summary>
public sealed class CoordinatorOptionsValidator : IValidateOptions<CoordinatorOptions>
{
    internal static readonly TimeSpan MaxIdentifyWindow = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MinGatewayInfoRefresh = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxGatewayInfoRefresh = TimeSpan.FromHours(12);
    internal static readonly TimeSpan MinBudgetRefreshMinInterval = TimeSpan.FromSeconds(1);

    private const string Section = CoordinatorOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CoordinatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        var windowIsValid = options.IdentifyWindow > TimeSpan.Zero && options.IdentifyWindow <= MaxIdentifyWindow;
        if (!windowIsValid)
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.IdentifyWindow)} is {options.IdentifyWindow}; set it to a "
                + $"positive duration of at most {MaxIdentifyWindow} (default {CoordinatorOptions.DEFAULT_IDENTIFY_WINDOW}: "
                + "Discord's 5 s plus a margin; only simulator tests go below it).");
        }

        // Compared with the window only when the window itself is valid, so one mistake gives one message.
        if (options.IdentifySlotGrace <= TimeSpan.Zero || (windowIsValid && options.IdentifySlotGrace >= options.IdentifyWindow))
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.IdentifySlotGrace)} is {options.IdentifySlotGrace}; set it "
                + $"to a positive duration below {nameof(CoordinatorOptions.IdentifyWindow)} ({options.IdentifyWindow}) "
                + $"(default {CoordinatorOptions.DEFAULT_IDENTIFY_SLOT_GRACE}).");
        }

        if (options.BudgetReserve < 0)
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.BudgetReserve)} is {options.BudgetReserve}; set it to 0 "
                + $"or more (default {CoordinatorOptions.DEFAULT_BUDGET_RESERVE}).");
        }

        var refreshIsValid = options.GatewayInfoRefresh >= MinGatewayInfoRefresh && options.GatewayInfoRefresh <= MaxGatewayInfoRefresh;
        if (!refreshIsValid)
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.GatewayInfoRefresh)} is {options.GatewayInfoRefresh}; set "
                + $"it between {MinGatewayInfoRefresh} and {MaxGatewayInfoRefresh} "
                + $"(default {CoordinatorOptions.DEFAULT_GATEWAY_INFO_REFRESH}).");
        }

        // Compared with the refresh only when that is valid, so one mistake gives one message.
        if (options.BudgetRefreshMinInterval < MinBudgetRefreshMinInterval
            || (refreshIsValid && options.BudgetRefreshMinInterval > options.GatewayInfoRefresh))
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.BudgetRefreshMinInterval)} is {options.BudgetRefreshMinInterval}; set "
                + $"it between {MinBudgetRefreshMinInterval} and {nameof(CoordinatorOptions.GatewayInfoRefresh)} ({options.GatewayInfoRefresh}) "
                + $"(default {CoordinatorOptions.DEFAULT_BUDGET_REFRESH_MIN_INTERVAL}).");
        }

        if (string.IsNullOrWhiteSpace(options.LedgerKeyPrefix) || options.LedgerKeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Section}:{nameof(CoordinatorOptions.LedgerKeyPrefix)} is '{options.LedgerKeyPrefix}'; set it to a "
                + $"Redis key prefix without spaces, the same on every cluster of the bot (default {CoordinatorOptions.DEFAULT_LEDGER_KEY_PREFIX}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
