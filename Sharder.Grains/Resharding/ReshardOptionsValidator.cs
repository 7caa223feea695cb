using Microsoft.Extensions.Options;

namespace Sharder.Grains.Resharding;

/// <summary>Checks <see cref="ReshardOptions"/> and reports every problem at once, each naming its configuration key.</summary>
public sealed class ReshardOptionsValidator : IValidateOptions<ReshardOptions>
{
    private const string Name = ReshardOptions.SectionName;
    private static readonly TimeSpan MaxShort = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxLong = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ReshardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(ReshardOptions.CutoverLead), options.CutoverLead, TimeSpan.FromMilliseconds(100), MaxShort, ReshardOptions.DEFAULT_CUTOVER_LEAD);
        Check(failures, nameof(ReshardOptions.OverlapWindow), options.OverlapWindow, TimeSpan.FromMilliseconds(100), MaxShort, ReshardOptions.DEFAULT_OVERLAP_WINDOW);
        Check(failures, nameof(ReshardOptions.DrainLag), options.DrainLag, TimeSpan.Zero, MaxShort, ReshardOptions.DEFAULT_DRAIN_LAG);
        Check(failures, nameof(ReshardOptions.ReadyTimeout), options.ReadyTimeout, TimeSpan.FromSeconds(1), MaxLong, ReshardOptions.DEFAULT_READY_TIMEOUT);
        Check(failures, nameof(ReshardOptions.GuildTimeout), options.GuildTimeout, TimeSpan.Zero, TimeSpan.FromHours(1), ReshardOptions.DEFAULT_GUILD_TIMEOUT);
        Check(failures, nameof(ReshardOptions.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), MaxShort, ReshardOptions.DEFAULT_POLL_INTERVAL);
        Check(failures, nameof(ReshardOptions.AutoCheckInterval), options.AutoCheckInterval, TimeSpan.FromMilliseconds(10), MaxLong, ReshardOptions.DEFAULT_AUTO_CHECK_INTERVAL);
        if (options.CutoverLead < 2 * options.OverlapWindow)
        {
            failures.Add($"{Name}:{nameof(ReshardOptions.CutoverLead)} is {options.CutoverLead}; set it to at least twice "
                + $"{Name}:{nameof(ReshardOptions.OverlapWindow)} ({2 * options.OverlapWindow}), so the old generation knows the "
                + "cut-over before the window it marks begins.");
        }

        if (options.SessionStartReserve is < 0)
        {
            failures.Add($"{Name}:{nameof(ReshardOptions.SessionStartReserve)} is {options.SessionStartReserve}; set it to 0 or more, "
                + "or leave it unset for 10 % of the new total (at least 1).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max, TimeSpan fallback)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Name}:{setting} is {value}; set it between {min} and {max} (default {fallback}).");
        }
    }
}
