using Sharder.Grains.Coordination;
using Sharder.Grains.Resharding;

namespace Sharder.Grains.Supervision;

/// <summary>
/// The automatic trigger (<c>Reshard:Auto</c>, off by default): every <see cref="ReshardOptions.AutoCheckInterval"/>
/// and when a shard is closed with 4011, <c>/gateway/bot</c> is read and a run starts when it recommends more
/// shards than are in service. The same budget check and refusals as the admin route apply.
/// </summary>
internal sealed partial class ShardSupervisorGrain
{
    private readonly GatewayBotClient _gatewayBot;

    public async Task ReportShardingRequiredAsync(int shardId)
    {
        ReshardLog.ShardingRequired(_logger, shardId, _reshard.Auto);
        if (_reshard.Auto)
        {
            await CheckAutoReshardAsync().ConfigureAwait(true);
        }
    }

    private void StartAutoReshardTimer()
    {
        if (!_reshard.Auto)
        {
            return;
        }

        this.RegisterGrainTimer(
            static (grain, _) => grain.CheckAutoReshardAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = _reshard.AutoCheckInterval,
                Period = _reshard.AutoCheckInterval,
                KeepAlive = true,
                Interleave = false,
            });
    }

    private async Task CheckAutoReshardAsync()
    {
        try
        {
            var selection = await _selection.GetAsync().ConfigureAwait(true);
            var record = await LoadAsync(selection.Total).ConfigureAwait(true);
            if (record.ActiveRun is not null || selection.ShardIds.Count != selection.Total)
            {
                return;
            }

            var info = await _gatewayBot.GetGatewayBotAsync(CancellationToken.None).ConfigureAwait(true);
            if (info.RecommendedShards <= record.Total)
            {
                return;
            }

            var result = await StartReshardAsync(info.RecommendedShards, $"auto: /gateway/bot recommends {info.RecommendedShards} shards").ConfigureAwait(true);
            ReshardLog.AutoRun(_logger, record.Total, info.RecommendedShards, result.Outcome, result.Message);
        }
#pragma warning disable CA1031 // Logged; the next check asks again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReshardLog.StepFailed(_logger, ex);
        }
    }
}
