using System.Globalization;

namespace Sharder.Grains.Sink;

/// <summary>Why a shard's events are not reaching Redis, and since when.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="Reason">The answer's error code (OOM, NOPERM, WRONGTYPE, ...) or UNAVAILABLE.</param>
/// <param name="Detail">The last error message.</param>
/// <param name="Since">When the problem began (the first failure in a row).</param>
/// <param name="Transient">True when Redis could not be reached or was busy (retried as a matter of course).</param>
internal sealed record DeliveryProblem(int ShardId, string Reason, string Detail, DateTimeOffset Since, bool Transient)
{
    /// <summary>
    /// Whether the shard counts as not delivering: at once for a refusal, after <paramref name="grace"/>
    /// for an outage (short ones are ridden out by buffering and resuming).
    /// </summary>
    public bool Degrades(DateTimeOffset now, TimeSpan grace) => !Transient || now - Since > grace;

    public string Describe(DateTimeOffset now) => string.Create(
        CultureInfo.InvariantCulture,
        $"shard {ShardId} cannot deliver to Redis ({Reason}) for {now - Since:hh\\:mm\\:ss}: {Detail}");
}
