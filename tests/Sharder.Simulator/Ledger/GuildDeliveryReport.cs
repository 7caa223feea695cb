using System.Globalization;
using System.Text;

namespace Sharder.Simulator.Ledger;

/// <summary>Result of <see cref="GuildDeliveryCheck.Check"/>: totals, one row per guild and readable violations.</summary>
/// <param name="Produced">Events the world produced and sent to at least one session.</param>
/// <param name="NeverSent">Events produced while no session of any total could take them (not the sharder's loss).</param>
/// <param name="Popped">Copies of produced events the worker popped.</param>
/// <param name="IdentityChecked">Produced identity-carrying events (each must be popped exactly once).</param>
/// <param name="Lost">Produced, sent and never popped.</param>
/// <param name="Duplicates">Copies beyond what is allowed.</param>
/// <param name="OverlapMarked">Distinct events popped with the overlap mark at least once.</param>
/// <param name="OverlapDuplicates">Events without identity popped twice, both copies marked overlap.</param>
/// <param name="OverlapWindow">Produce times of the first and last overlap duplicate; null when there were none.</param>
/// <param name="SessionScoped">Popped copies of a session's own dispatches (READY, its GUILD_CREATE burst): not world events.</param>
/// <param name="Unknown">Popped uids the simulator never produced.</param>
/// <param name="MaxGap">The largest per-guild gap (see <see cref="GuildDelivery.MaxGap"/>) and its guild.</param>
public sealed record GuildDeliveryReport(
    long Produced,
    long NeverSent,
    long Popped,
    long IdentityChecked,
    long Lost,
    long Duplicates,
    long OverlapMarked,
    long OverlapDuplicates,
    (DateTimeOffset First, DateTimeOffset Last)? OverlapWindow,
    long SessionScoped,
    long Unknown,
    (ulong? GuildId, TimeSpan Gap, TimeSpan Baseline) MaxGap,
    IReadOnlyList<GuildDelivery> Guilds,
    IReadOnlyList<string> Violations)
{
    private const int ViolationsInAssertMessage = 20;

    public bool Ok => Violations.Count == 0;

    /// <summary>Throws <see cref="InvariantViolationException"/> with the summary and the first violations.</summary>
    public void AssertOk()
    {
        if (Ok)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{Violations.Count} per-guild violation(s). {this}");
        foreach (var violation in Violations.Take(ViolationsInAssertMessage))
        {
            message.AppendLine().Append("  - ").Append(violation);
        }

        if (Violations.Count > ViolationsInAssertMessage)
        {
            message.AppendLine().Append(CultureInfo.InvariantCulture, $"  … {Violations.Count - ViolationsInAssertMessage} more");
        }

        throw new InvariantViolationException(message.ToString());
    }

    public override string ToString()
    {
        var text = new StringBuilder(256);
        text.Append(CultureInfo.InvariantCulture, $"guilds={Guilds.Count} produced={Produced} never-sent={NeverSent} popped={Popped} identity-checked={IdentityChecked} ");
        text.Append(CultureInfo.InvariantCulture, $"lost={Lost} duplicates={Duplicates} overlap-marked={OverlapMarked} overlap-duplicates={OverlapDuplicates} ");
        if (OverlapWindow is { } window)
        {
            text.Append(CultureInfo.InvariantCulture, $"overlap-window={window.First:HH:mm:ss.fff}..{window.Last:HH:mm:ss.fff} ({(window.Last - window.First).TotalMilliseconds:0} ms) ");
        }

        text.Append(CultureInfo.InvariantCulture, $"session-scoped={SessionScoped} unknown={Unknown} ");
        text.Append(CultureInfo.InvariantCulture, $"max-gap={MaxGap.Gap.TotalMilliseconds:0} ms (guild {MaxGap.GuildId?.ToString(CultureInfo.InvariantCulture) ?? "DM"}, baseline {MaxGap.Baseline.TotalMilliseconds:0} ms) ");
        text.Append(CultureInfo.InvariantCulture, $"violations={Violations.Count}");
        return text.ToString();
    }
}
