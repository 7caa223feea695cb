namespace Sharder.Grains.Cutover;

/// <summary>
/// The per-event rule of a resharding switch, decided from the event alone with no shared state, so the
/// two generations never coordinate per event. With a cut-over instant T and an overlap window W:
/// an event with an <see cref="EventClock"/> c goes out from the old generation iff c &lt; T and from the new
/// one iff c ≥ T (exactly one publishes it); an event without one goes by its receive time r: the old
/// generation publishes it iff r &lt; T + W, the new one iff r ≥ T − W. While the two sessions receive an
/// event less than W apart it is never lost, and when both publish it, both copies are marked overlap: each
/// generation marks one W beyond where the other publishes (the old r ≥ T − 2W, the new r &lt; T + 2W), since
/// the other copy of an event received near the edge of a range can lie on the far side of it. Before a
/// cut-over is fixed the new generation publishes nothing and the old one everything (unmarked: hence
/// <c>Reshard:CutoverLead</c> ≥ 2W, so the old generation knows T before T − 2W). Pure.
/// </summary>
internal static class CutoverDecision
{
    /// <param name="role">The shard's generation role.</param>
    /// <param name="cutover">T, or null while it is not fixed yet.</param>
    /// <param name="window">W.</param>
    /// <param name="eventClock">The event's clock (Unix ms), or null when it has none.</param>
    /// <param name="receivedAt">When this session received the event (Unix ms).</param>
    /// <param name="cutoverKnownAt">
    /// When this shard learned T (Unix ms). The new generation drops clockless events received before then:
    /// it decided nothing about them at the time, and the old generation publishes everything received before T + W.
    /// </param>
    public static CutoverVerdict Decide(
        GenerationRole role, DateTimeOffset? cutover, TimeSpan window, long? eventClock, long receivedAt, long cutoverKnownAt = long.MinValue)
    {
        if (role == GenerationRole.Sole)
        {
            return CutoverVerdict.Publish;
        }

        if (cutover is not { } at)
        {
            return role == GenerationRole.Old ? CutoverVerdict.Publish : CutoverVerdict.Drop;
        }

        long t = at.ToUnixTimeMilliseconds();
        if (eventClock is { } clock)
        {
            bool beforeCutover = clock < t;
            return beforeCutover == (role == GenerationRole.Old) ? CutoverVerdict.Publish : CutoverVerdict.Drop;
        }

        long w = (long)window.TotalMilliseconds;
        if (role == GenerationRole.Old)
        {
            return receivedAt >= t + w ? CutoverVerdict.Drop
                : receivedAt >= t - (2 * w) ? CutoverVerdict.PublishOverlap
                : CutoverVerdict.Publish;
        }

        return receivedAt < t - w || receivedAt < cutoverKnownAt ? CutoverVerdict.Drop
            : receivedAt < t + (2 * w) ? CutoverVerdict.PublishOverlap
            : CutoverVerdict.Publish;
    }
}
