namespace Sharder.Grains.Resharding;

/// <summary>
/// The per-event rule of a resharding switch, decided from the event alone with no shared state, so the
/// two generations never coordinate per event. With a cut-over instant T and an overlap window W:
/// an event with an <see cref="EventClock"/> c goes out from the old generation iff c &lt; T and from the new
/// one iff c ≥ T (exactly one publishes it); an event without one goes by its receive time r: the old
/// generation publishes it iff r &lt; T + W, the new one iff r ≥ T − W, and both mark the ones with r in
/// [T − W, T + W) as overlap (each such event reaches a worker once or twice, never zero times, while the
/// two sessions receive it less than W apart). Before a cut-over is fixed the new generation publishes
/// nothing and the old one everything. Pure.
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
        bool inWindow = receivedAt >= t - w && receivedAt < t + w;
        bool mine = role == GenerationRole.Old ? receivedAt < t + w : receivedAt >= t - w && receivedAt >= cutoverKnownAt;
        if (!mine)
        {
            return CutoverVerdict.Drop;
        }

        return inWindow ? CutoverVerdict.PublishOverlap : CutoverVerdict.Publish;
    }
}
