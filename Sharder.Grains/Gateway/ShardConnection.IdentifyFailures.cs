using Sharder.Grains.Gateway.RateLimiting;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Identifies that end without READY (op 9, a close of any code, a dropped connection). Each costs a
/// session start at Discord, so after <see cref="IdentifyFailuresBeforeBackoff"/> in a row the shard waits
/// <see cref="GatewayOptions.IdentifyFailureBackoffBase"/>, doubling per further failure up to
/// <see cref="GatewayOptions.IdentifyFailureBackoffMax"/>, and every failure is reported to the identify gate.
/// </summary>
internal sealed partial class ShardConnection
{
    /// <summary>Identifies in a row allowed to end without READY before the shard backs off.</summary>
    internal const int IdentifyFailuresBeforeBackoff = 3;

    /// <summary>
    /// Called once per ended connection: when it sent an Identify that got no READY, counts the failure,
    /// reports it to the gate and returns the wait before the next Identify (zero while under the limit).
    /// </summary>
    private TimeSpan OnConnectionEndedForIdentify(ConnectionScope scope)
    {
        if (scope.SentIdentify is not { } permit || scope.IsActive)
        {
            return TimeSpan.Zero;
        }

        var (failures, backoff) = _counters.OnIdentifyFailed(IdentifyBackoffFor, _timeProvider.GetUtcNow());

        _ = ReportIdentifyFailedAsync(permit);
        _metrics?.OnIdentifyFailed(ShardId, failures, backoff);
        if (backoff > TimeSpan.Zero)
        {
            GatewayLog.IdentifyBackoff(_logger, ShardId, failures, backoff);
        }
        else
        {
            GatewayLog.IdentifyFailed(_logger, ShardId, failures);
        }

        return backoff;
    }

    /// <summary>Zero for the first failures, then base · 2^(failures − limit), capped.</summary>
    private TimeSpan IdentifyBackoffFor(int failures)
    {
        if (failures < IdentifyFailuresBeforeBackoff)
        {
            return TimeSpan.Zero;
        }

        return ReconnectBackoff.Exponential(
            _options.IdentifyFailureBackoffBase, _options.IdentifyFailureBackoffMax, failures - IdentifyFailuresBeforeBackoff);
    }

    /// <summary>Fire and forget: the gate is remote code, and nothing it does may reach the connection loop.</summary>
    private async Task ReportIdentifyFailedAsync(IdentifyPermit permit)
    {
        try
        {
            await _identifyGate.ReportIdentifyFailedAsync(permit, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the gate throws is logged; the shard goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            GatewayLog.IdentifyFailureReportFailed(_logger, ShardId, ex);
        }
    }
}
