using System.Globalization;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Shards;

/// <summary>
/// Whether the shards running in this silo are receiving events: the signal users miss most in other
/// sharders (a shard silently dead for hours). A shard that has not been Active for longer than the
/// threshold, or that closed fatally (a revoked token, disallowed intents), is a problem worth a look;
/// a shard waiting for its identify slot or for the budget reset is one too, and says so. So is a shard
/// whose events Redis refuses (out of memory, no permission, ...): named with the reason, and not counted Active.
/// </summary>
public sealed class HostedShardsHealth
{
    /// <summary>How long a shard may be between sessions before it counts as a problem.</summary>
    public static readonly TimeSpan DefaultStallThreshold = TimeSpan.FromMinutes(2);

    private readonly LocalShardRegistry _registry;
    private readonly TimeProvider _timeProvider;
    private readonly DeliveryProblemBoard? _deliveryProblems;

    /// <param name="registry">The shards running here.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="deliveryProblems">What the shards' Redis output reports; a shard that cannot deliver is a problem
    /// at once when Redis refuses its events (OOM, NOPERM, ...), after the threshold when Redis is unreachable.</param>
    internal HostedShardsHealth(LocalShardRegistry registry, TimeProvider timeProvider, DeliveryProblemBoard? deliveryProblems = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _registry = registry;
        _timeProvider = timeProvider;
        _deliveryProblems = deliveryProblems;
    }

    /// <summary>Looks at every hosted shard now.</summary>
    public HostedShardsVerdict Evaluate(TimeSpan stallThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stallThreshold, TimeSpan.Zero);
        var now = _timeProvider.GetUtcNow();
        var statuses = _registry.Statuses();
        var problems = new List<string>();
        int active = 0;
        foreach (var status in statuses)
        {
            if (Describe(status, now, stallThreshold) is { } problem)
            {
                problems.Add(problem);
            }

            var delivery = _deliveryProblems?.Get(status.ShardId);
            bool delivering = delivery is null || !delivery.Degrades(now, stallThreshold);
            if (!delivering)
            {
                problems.Add(delivery!.Describe(now));
            }

            if (status.State == GatewayState.Active && delivering)
            {
                active++;
            }
        }

        return new HostedShardsVerdict(statuses.Count, active, problems);
    }

    private static string? Describe(ShardStatus status, DateTimeOffset now, TimeSpan stallThreshold)
    {
        if (status.State == GatewayState.FatallyClosed)
        {
            return $"shard {status.ShardId} closed fatally: {status.FatalReason}";
        }

        var since = now - status.StateSince;
        if (status.State is GatewayState.Active or GatewayState.Stopped || since <= stallThreshold)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"shard {status.ShardId} has been {status.State} for {since:hh\\:mm\\:ss} (last close code {status.LastCloseCode?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
    }
}
