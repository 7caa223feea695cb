using System.Collections.Concurrent;
using Sharder.Grains.Diagnostics;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>Keeps every identify failure a shard reported, in order.</summary>
internal sealed class RecordingGatewayMetrics : IGatewayMetrics
{
    public ConcurrentQueue<(int ShardId, int ConsecutiveFailures, TimeSpan Backoff)> IdentifyFailures { get; } = new();

    public void OnIdentifyFailed(int shardId, int consecutiveFailures, TimeSpan backoff) =>
        IdentifyFailures.Enqueue((shardId, consecutiveFailures, backoff));
}
