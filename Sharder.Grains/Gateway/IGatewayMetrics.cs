namespace Sharder.Grains.Gateway;

/// <summary>What a <see cref="ShardConnection"/> reports to metrics; kept here so the gateway code needs no metrics types.</summary>
internal interface IGatewayMetrics
{
    /// <summary>An Identify ended without READY; <paramref name="backoff"/> is the wait imposed before the next one (zero: none).</summary>
    void OnIdentifyFailed(int shardId, int consecutiveFailures, TimeSpan backoff);

    /// <summary>A connection ended (not by a requested stop); <paramref name="closeCode"/> is the code sent or received, null when none.</summary>
    void OnConnectionClosed(int shardId, int? closeCode)
    {
    }
}
