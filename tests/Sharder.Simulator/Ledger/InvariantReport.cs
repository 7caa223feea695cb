using System.Globalization;
using System.Text;

namespace Sharder.Simulator.Ledger;

/// <summary>
/// Result of <see cref="InvariantChecker.Check"/> (R-10.5): counters for the scenario and the list of
/// violations. Tests call <see cref="AssertOk"/>; benchmarks print <see cref="ToString"/>.
/// </summary>
/// <param name="Produced">Distinct events routed to a session or marked undeliverable.</param>
/// <param name="Routed">Routed copies (one per session that received the event).</param>
/// <param name="DeliveredLive">Live sends.</param>
/// <param name="Replayed">Replayed sends after a Resume.</param>
/// <param name="Undeliverable">Events produced while their shard had no session.</param>
/// <param name="Published">Records the system under test published.</param>
/// <param name="Lost">Routed and sent events (not excluded) that were never published.</param>
/// <param name="Duplicates">Extra publications of one (session, seq) or one event uid.</param>
/// <param name="OutOfOrder">Publications with a lower seq than the one before in the same session.</param>
/// <param name="Gaps">Publications that skipped routed sequence numbers of their session.</param>
/// <param name="UnknownPublished">Publications that match nothing the simulator routed, or carry mismatching metadata.</param>
/// <param name="Identifies">Sessions created.</param>
/// <param name="Resumes">Successful resumes.</param>
/// <param name="ResumesRejected">Rejected resumes.</param>
/// <param name="Invalidations">Invalidated sessions.</param>
/// <param name="HeartbeatMismatches">Heartbeats whose <c>d</c> was stale (beyond the allowance) or ahead of what was sent.</param>
/// <param name="Closes">Connection ends by direction, code and close frame.</param>
/// <param name="MaxCommandsPer60s">Highest client payload count in any 60 s window of one connection.</param>
/// <param name="MaxHeartbeatGap">Longest time between two heartbeats of one connection.</param>
/// <param name="MaxTimeToRecover">Longest time a shard went from losing its connection or session to a new READY or RESUMED.</param>
/// <param name="IdentifyViolations">Identify-concurrency violations (R-6.1).</param>
/// <param name="RoutedNeverSent">Routed events never sent (still buffered, or their session ended first).</param>
/// <param name="Violations">Readable descriptions; empty when every invariant holds.</param>
public sealed record InvariantReport(
    long Produced,
    long Routed,
    long DeliveredLive,
    long Replayed,
    long Undeliverable,
    long Published,
    long Lost,
    long Duplicates,
    long OutOfOrder,
    long Gaps,
    long UnknownPublished,
    int Identifies,
    int Resumes,
    int ResumesRejected,
    int Invalidations,
    int HeartbeatMismatches,
    IReadOnlyList<CloseCount> Closes,
    int MaxCommandsPer60s,
    TimeSpan MaxHeartbeatGap,
    TimeSpan MaxTimeToRecover,
    int IdentifyViolations,
    long RoutedNeverSent,
    IReadOnlyList<string> Violations)
{
    private const int ViolationsInAssertMessage = 20;

    public bool Ok => Violations.Count == 0;

    /// <summary>Closes with this direction and code (null code = no close frame / no code).</summary>
    public int CountCloses(bool byServer, int? code) =>
        Closes.Where(c => c.ByServer == byServer && c.Code == code).Sum(c => c.Count);

    /// <summary>Throws <see cref="InvariantViolationException"/> with the summary and the first violations.</summary>
    public void AssertOk()
    {
        if (Ok)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{Violations.Count} invariant violation(s). {this}");
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
        text.Append(CultureInfo.InvariantCulture, $"produced={Produced} routed={Routed} live={DeliveredLive} replayed={Replayed} undeliverable={Undeliverable} ");
        text.Append(CultureInfo.InvariantCulture, $"published={Published} lost={Lost} duplicates={Duplicates} out-of-order={OutOfOrder} gaps={Gaps} unknown={UnknownPublished} ");
        text.Append(CultureInfo.InvariantCulture, $"identifies={Identifies} resumes={Resumes} resumes-rejected={ResumesRejected} invalidations={Invalidations} ");
        text.Append(CultureInfo.InvariantCulture, $"heartbeat-mismatches={HeartbeatMismatches} closes=[{string.Join(", ", Closes)}] ");
        text.Append(CultureInfo.InvariantCulture, $"max-commands-60s={MaxCommandsPer60s} max-heartbeat-gap={MaxHeartbeatGap.TotalSeconds:0.###}s ");
        text.Append(CultureInfo.InvariantCulture, $"max-recovery={MaxTimeToRecover.TotalSeconds:0.###}s identify-violations={IdentifyViolations} never-sent={RoutedNeverSent} ");
        text.Append(CultureInfo.InvariantCulture, $"violations={Violations.Count}");
        return text.ToString();
    }
}
