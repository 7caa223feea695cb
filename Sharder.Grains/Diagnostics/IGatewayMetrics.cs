namespace Sharder.Grains.Diagnostics;

/// <summary>What a shard connection (Gateway/ShardConnection) reports to metrics: the only diagnostics type the gateway code names.</summary>
internal interface IGatewayMetrics
{
    /// <summary>An Identify ended without READY; <paramref name="backoff"/> is the wait imposed before the next one (zero: none).</summary>
    void OnIdentifyFailed(int shardId, int consecutiveFailures, TimeSpan backoff);

    /// <summary>A connection ended (not by a requested stop); <paramref name="closeCode"/> is the code sent or received, null when none.</summary>
    void OnConnectionClosed(int shardId, int? closeCode)
    {
    }
}
