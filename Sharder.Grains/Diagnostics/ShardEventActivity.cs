namespace Sharder.Grains.Diagnostics;

/// <summary>Events one shard published from this silo, and when the last one was: the status page's events/s and last-event age.</summary>
internal sealed class ShardEventActivity
{
    private long _published;
    private long _lastPublishedUtcTicks = -1;

    /// <summary>Events published since this silo first ran the shard.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>When the last event was published; null before the first.</summary>
    public DateTimeOffset? LastPublishedAt
        => Interlocked.Read(ref _lastPublishedUtcTicks) is >= 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void OnPublished(DateTimeOffset at, int count)
    {
        Interlocked.Add(ref _published, count);
        Interlocked.Exchange(ref _lastPublishedUtcTicks, at.UtcTicks);
    }
}
