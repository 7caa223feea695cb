using Microsoft.Extensions.Options;
using Sharder.Grains.Coordination;
using Sharder.Grains.Options;

namespace Sharder.Grains.Supervision;

/// <summary>
/// The shards this cluster runs, from configuration (<see cref="ShardingOptions.ResolveShards"/>); when the
/// count must come from Discord, <c>/gateway/bot</c> is read once per silo and the answer kept. Never from
/// grain state: the supervisor and the shards may be re-created anywhere at any time.
/// </summary>
internal sealed class ShardSelectionProvider
{
    private readonly ShardingOptions _options;
    private readonly GatewayBotClient _gatewayBot;
    private readonly Lock _lock = new();
    private Task<ShardSelection>? _recommended;

    public ShardSelectionProvider(IOptions<ShardingOptions> options, GatewayBotClient gatewayBot)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gatewayBot);
        _options = options.Value;
        _gatewayBot = gatewayBot;
    }

    /// <exception cref="GatewayBotUnavailableException">The count must come from Discord, which could not be asked (the next call asks again).</exception>
    public Task<ShardSelection> GetAsync()
    {
        if (!_options.UsesGatewayRecommendation)
        {
            return Task.FromResult(_options.ResolveShards(null));
        }

        lock (_lock)
        {
            if (_recommended is null || _recommended.IsFaulted || _recommended.IsCanceled)
            {
                _recommended = FetchAsync();
            }

            return _recommended;
        }
    }

    private async Task<ShardSelection> FetchAsync()
    {
        var info = await _gatewayBot.GetGatewayBotAsync(CancellationToken.None).ConfigureAwait(false);
        return _options.ResolveShards(info.RecommendedShards);
    }
}
