using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>
/// A test-only in-process <see cref="IIdentifyGate"/> for shards that all run in one process: one queue per
/// rate-limit key, each letting one shard through per window. It does not track the daily session-start
/// budget, nor start buckets strictly in order; the cluster-wide coordinator is the gate for a cluster.
/// </summary>
internal sealed class LocalIdentifyGate : IIdentifyGate, IDisposable
{
    /// <summary>Discord's window per rate-limit key.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(5);

    /// <summary>How long a permit stays usable by default.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _window;
    private readonly TimeSpan _grace;
    private readonly Bucket[] _buckets;

    /// <param name="maxConcurrency">The <c>max_concurrency</c> from <c>/gateway/bot</c> (1 for most bots).</param>
    /// <param name="timeProvider">Clock for the window.</param>
    /// <param name="window">Spacing between two identifies on one key; <see cref="DefaultWindow"/> when null.</param>
    /// <param name="grace">How long after it is handed out a permit may be used; <see cref="DefaultGrace"/> when null.
    /// Keep it below the margin the window has over Discord's.</param>
    public LocalIdentifyGate(int maxConcurrency, TimeProvider timeProvider, TimeSpan? window = null, TimeSpan? grace = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var spacing = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, TimeSpan.Zero);
        var usable = grace ?? DefaultGrace;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(usable, TimeSpan.Zero);

        _timeProvider = timeProvider;
        _window = spacing;
        _grace = usable;
        _buckets = new Bucket[maxConcurrency];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket();
        }
    }

    public int MaxConcurrency => _buckets.Length;

    /// <remarks>A missed permit changes nothing here: the gate has no budget to refund, and its spacing runs from the permits it handed out.</remarks>
    public ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, CancellationToken cancellationToken)
        => AcquireAsync(shardId, missed, TimeSpan.Zero, cancellationToken);

    /// <remarks>
    /// The slot is the key's next free one, never sooner than <paramref name="lead"/> from now, so the shard
    /// has its lead to connect; the permit is handed out up to <paramref name="lead"/> before the slot.
    /// </remarks>
    public async ValueTask<IdentifyPermit> AcquireAsync(int shardId, IdentifyPermit? missed, TimeSpan lead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        var key = shardId % _buckets.Length;
        var bucket = _buckets[key];
        await bucket.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            var earliest = now + lead;
            var slot = bucket.LastSlot is { } last && last + _window > earliest ? last + _window : earliest;
            var wait = slot - lead - now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            bucket.LastSlot = slot;
            return new IdentifyPermit(shardId, key, slot, slot + _grace);
        }
        finally
        {
            bucket.Turn.Release();
        }
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Turn.Dispose();
        }
    }

    private sealed class Bucket
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public DateTimeOffset? LastSlot { get; set; }
    }
}
