using Microsoft.Extensions.Options;

namespace Sharder.Grains.Supervision;

/// <summary>Checks <see cref="SupervisorOptions"/> and reports every problem at once, each naming its configuration key.</summary>
public sealed class SupervisorOptionsValidator : IValidateOptions<SupervisorOptions>
{
    internal const int MaxActivationsAtOnce = 1024;
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    private const string Name = SupervisorOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.EnsureInterval <= TimeSpan.Zero || options.EnsureInterval > MaxInterval)
        {
            failures.Add($"{Name}:{nameof(SupervisorOptions.EnsureInterval)} is {options.EnsureInterval}; set it to a positive "
                + $"duration of at most {MaxInterval} (default {SupervisorOptions.DEFAULT_ENSURE_INTERVAL}).");
        }

        if (options.RebalanceDelay < TimeSpan.Zero || options.RebalanceDelay > MaxInterval)
        {
            failures.Add($"{Name}:{nameof(SupervisorOptions.RebalanceDelay)} is {options.RebalanceDelay}; set it between 0 "
                + $"and {MaxInterval} (default {SupervisorOptions.DEFAULT_REBALANCE_DELAY}).");
        }

        if (options.MaxConcurrentActivations is < 1 or > MaxActivationsAtOnce)
        {
            failures.Add($"{Name}:{nameof(SupervisorOptions.MaxConcurrentActivations)} is {options.MaxConcurrentActivations}; "
                + $"set it between 1 and {MaxActivationsAtOnce} (default {SupervisorOptions.DEFAULT_MAX_CONCURRENT_ACTIVATIONS}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
