using Sharder.Grains.Cutover;

namespace Sharder.Grains.Sink;

/// <summary>
/// One shard activation's side of a resharding switch, applied by its <see cref="ShardEventSink"/> to each
/// batch before it goes to Redis: every dispatch gets its <see cref="CutoverDecision"/> verdict (withheld or
/// marked overlap). Withheld events still advance the checkpoint, so resume, migration and crash recovery
/// stay exactly-once per generation. Set by the shard grain (its role at activation, then the cut-over
/// instant when the supervisor fixes it); read by the delivery loop.
/// </summary>
internal sealed class CutoverFilter
{
    private readonly TimeProvider _timeProvider;
    private volatile Settings _settings;
    private long _firstPublished = -1;
    private long _lastPublished = -1;
    private long _withheld;
    private long _overlapping;

    /// <param name="role">The shard's role at activation.</param>
    /// <param name="timeProvider">The clock for receive times.</param>
    /// <param name="readiness">Fed every dispatch while the shard is <see cref="GenerationRole.New"/>; none when null.</param>
    public CutoverFilter(GenerationRole role, TimeProvider timeProvider, GuildReadiness? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        Readiness = readiness;
        _settings = new Settings(role, null, TimeSpan.Zero, long.MinValue);
    }

    /// <summary>The new generation's catch-up tracker; null when not tracked.</summary>
    public GuildReadiness? Readiness { get; }

    public GenerationRole Role => _settings.Role;

    public DateTimeOffset? Cutover => _settings.Cutover;

    /// <summary>The first sequence this activation published (not withheld); -1 before any.</summary>
    public long FirstPublishedSequence => Interlocked.Read(ref _firstPublished);

    /// <summary>The last sequence this activation published (not withheld); -1 before any.</summary>
    public long LastPublishedSequence => Interlocked.Read(ref _lastPublished);

    /// <summary>Events the other generation publishes, handled here without a push.</summary>
    public long Withheld => Interlocked.Read(ref _withheld);

    /// <summary>Events published marked overlap.</summary>
    public long Overlapping => Interlocked.Read(ref _overlapping);

    /// <summary>Fixes T and W (idempotent for the same values); the new generation publishes nothing received before this call.</summary>
    public void SetCutover(DateTimeOffset cutover, TimeSpan window, long? knownAtUnixMilliseconds = null)
    {
        var current = _settings;
        if (current.Cutover == cutover && current.Window == window)
        {
            return;
        }

        _settings = current with
        {
            Cutover = cutover,
            Window = window,
            KnownAt = knownAtUnixMilliseconds ?? _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>Changes the role (a completed run makes the new generation <see cref="GenerationRole.Sole"/>).</summary>
    public void SetRole(GenerationRole role) => _settings = _settings with { Role = role };

    /// <summary>
    /// The batch with every verdict applied: the batch itself outside a run, else a copy in which withheld
    /// dispatches and overlap ones are flagged.
    /// </summary>
    public ReadOnlyMemory<ShardDispatch> Apply(ReadOnlyMemory<ShardDispatch> batch)
    {
        var settings = _settings;
        if (settings.Role == GenerationRole.Sole)
        {
            Track(batch.Span[^1].Sequence, batch.Span[0].Sequence);
            return batch;
        }

        var utcNow = _timeProvider.GetUtcNow();
        var now = utcNow.ToUnixTimeMilliseconds();
        var copy = new ShardDispatch[batch.Length];
        long first = -1;
        long last = -1;
        for (int i = 0; i < copy.Length; i++)
        {
            ref readonly var dispatch = ref batch.Span[i];
            if (settings.Role == GenerationRole.New)
            {
                Readiness?.Observe(dispatch.EventType, dispatch.Data.Span, utcNow);
            }

            var receivedAt = dispatch.ReceivedTimestamp == 0
                ? now
                : now - (long)_timeProvider.GetElapsedTime(dispatch.ReceivedTimestamp).TotalMilliseconds;
            var clock = settings.Cutover is null ? null : EventClock.Read(dispatch.EventType, dispatch.Data.Span);
            var verdict = CutoverDecision.Decide(settings.Role, settings.Cutover, settings.Window, clock, receivedAt, settings.KnownAt);
            copy[i] = dispatch.WithVerdict(verdict == CutoverVerdict.Drop, verdict == CutoverVerdict.PublishOverlap);
            switch (verdict)
            {
                case CutoverVerdict.Drop:
                    Interlocked.Increment(ref _withheld);
                    continue;
                case CutoverVerdict.PublishOverlap:
                    Interlocked.Increment(ref _overlapping);
                    break;
            }

            if (first < 0)
            {
                first = dispatch.Sequence;
            }

            last = dispatch.Sequence;
        }

        if (last >= 0)
        {
            Track(last, first);
        }

        return copy;
    }

    private void Track(long last, long first)
    {
        Interlocked.CompareExchange(ref _firstPublished, first, -1);
        Interlocked.Exchange(ref _lastPublished, last);
    }

    private sealed record Settings(GenerationRole Role, DateTimeOffset? Cutover, TimeSpan Window, long KnownAt);
}
