using Microsoft.Extensions.Options;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Commands;

/// <summary>
/// Checks <see cref="CommandPumpOptions"/> and reports every problem at once, each naming
/// <c>Section:Property</c> (the configuration key) and how to fix it.
/// </summary>
public sealed class CommandPumpOptionsValidator : IValidateOptions<CommandPumpOptions>
{
    /// <summary>Redis counts blocking timeouts in milliseconds, but below this it is polling.</summary>
    internal static readonly TimeSpan MinBlockTimeout = TimeSpan.FromMilliseconds(10);

    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>Below this a shard that is only moving between silos could lose its commands.</summary>
    internal static readonly TimeSpan MinUndeliverableAfter = TimeSpan.FromSeconds(1);

    private const string Name = CommandPumpOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CommandPumpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.KeyPrefix)} is \"{options.KeyPrefix}\"; "
                + $"set it to a non-empty name without spaces, such as \"{CommandPumpOptions.DEFAULT_KEY_PREFIX}\".");
        }

        if (!Enum.IsDefined(options.KeyLayout))
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.KeyLayout)} is {(int)options.KeyLayout}; "
                + $"set it to {string.Join(" or ", Enum.GetNames<RedisKeyLayout>())}.");
        }
        else if (options.KeyLayout == RedisKeyLayout.Cluster && options.KeyPrefix?.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.KeyPrefix)} is \"{options.KeyPrefix}\", but with {Name}:{nameof(CommandPumpOptions.KeyLayout)} "
                + $"{RedisKeyLayout.Cluster} the prefix becomes the hash tag {{prefix}}; set a prefix without '{{' and '}}', "
                + $"such as \"{CommandPumpOptions.DEFAULT_KEY_PREFIX}\".");
        }

        if (options.BlockTimeout < MinBlockTimeout || options.BlockTimeout > MaxTimeout)
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.BlockTimeout)} is {options.BlockTimeout}; "
                + $"set it between {MinBlockTimeout} and {MaxTimeout} (default {CommandPumpOptions.DEFAULT_BLOCK_TIMEOUT}).");
        }

        ValidateDuration(nameof(CommandPumpOptions.ConnectTimeout), options.ConnectTimeout, failures);
        ValidateDuration(nameof(CommandPumpOptions.ResponseTimeout), options.ResponseTimeout, failures);
        ValidateDuration(nameof(CommandPumpOptions.ReconnectBaseDelay), options.ReconnectBaseDelay, failures);
        ValidateDuration(nameof(CommandPumpOptions.ReconnectMaxDelay), options.ReconnectMaxDelay, failures);
        ValidateDuration(nameof(CommandPumpOptions.RedeliveryDelay), options.RedeliveryDelay, failures);

        if (options.UndeliverableAfter < MinUndeliverableAfter || options.UndeliverableAfter > TimeSpan.FromDays(1))
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.UndeliverableAfter)} is {options.UndeliverableAfter}; "
                + $"set it between {MinUndeliverableAfter} and 1.00:00:00 (default {CommandPumpOptions.DEFAULT_UNDELIVERABLE_AFTER}).");
        }

        if (options.AllowedOps is null || options.AllowedOps.Any(op => !CommandValidator.GatewayCommandOps.Contains(op)))
        {
            var given = options.AllowedOps is null ? "null" : string.Join(", ", options.AllowedOps);
            failures.Add($"{Name}:{nameof(CommandPumpOptions.AllowedOps)} is [{given}]; list only gateway command ops "
                + $"({string.Join(", ", CommandValidator.GatewayCommandOps.Order())}), or leave it empty for all of them. "
                + "Heartbeat (1), Identify (2) and Resume (6) are the shard's own and never allowed.");
        }

        if (options.DeadLetterMaxLength < 0)
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.DeadLetterMaxLength)} is {options.DeadLetterMaxLength}; "
                + $"set it to 0 (keep every entry) or a positive count (default {CommandPumpOptions.DEFAULT_DEAD_LETTER_MAX_LENGTH}).");
        }

        if (options.ReconnectMaxDelay < options.ReconnectBaseDelay)
        {
            failures.Add($"{Name}:{nameof(CommandPumpOptions.ReconnectMaxDelay)} ({options.ReconnectMaxDelay}) is below "
                + $"{Name}:{nameof(CommandPumpOptions.ReconnectBaseDelay)} ({options.ReconnectBaseDelay}); "
                + "set the maximum to at least the base delay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDuration(string property, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            failures.Add($"{Name}:{property} is {value}; set it to a positive duration of at most {MaxTimeout} "
                + "(for example \"00:00:05\").");
        }
    }
}
