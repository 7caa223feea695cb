using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces;
using Sharder.Grains.Options;
using StackExchange.Redis;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Coordination;

/// <summary>
/// The cluster's identify coordinator: the shards of this cluster ask it, and it asks the bot's identify
/// ledger in Redis through an <see cref="IdentifyCoordinator"/>, shared with the coordinators of the bot's
/// other clusters (and with a duplicate activation during a split brain: each answer is written with a
/// compare-and-set before it leaves, so two of them cannot grant the same slot or session start).
/// <c>/gateway/bot</c> is read on activation and every <see cref="CoordinatorOptions.GatewayInfoRefresh"/>.
/// </summary>
internal sealed class ShardCoordinatorGrain : Grain, IShardCoordinatorGrain, IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly CoordinatorOptions _options;
    private readonly DiscordOptions _discord;
    private readonly TimeSpan _connectLead;
    private readonly GatewayBotClient _gatewayBot;
    private readonly SharderInstruments _instruments;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private IdentifyCoordinator? _coordinator;

    public ShardCoordinatorGrain(
        IConnectionMultiplexer redis,
        IOptions<CoordinatorOptions> options,
        IOptions<DiscordOptions> discord,
        IOptions<GatewayOptions> gateway,
        GatewayBotClient gatewayBot,
        SharderInstruments instruments,
        TimeProvider timeProvider,
        ILogger<ShardCoordinatorGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(discord);
        ArgumentNullException.ThrowIfNull(gateway);
        _redis = redis;
        _options = options.Value;
        _discord = discord.Value;
        _connectLead = gateway.Value.IdentifyConnectLead;
        _gatewayBot = gatewayBot;
        _instruments = instruments;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private IdentifyCoordinator Coordinator => _coordinator ?? throw new InvalidOperationException("The coordinator is not activated.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var token = _discord.Token ?? throw new InvalidTokenException(
            $"{DiscordOptions.DISCORD_TOKEN} is not set; the identify ledger is kept per bot.");
        var ledger = new RedisIdentifyLedger(_redis, RedisIdentifyLedger.KeyFor(_options.LedgerKeyPrefix, token));
        _coordinator = new IdentifyCoordinator(ledger, _gatewayBot.GetGatewayBotAsync, _options, _instruments, _timeProvider, _logger, _connectLead);
        await _coordinator.RefreshGatewayInfoAsync().ConfigureAwait(true);
        this.RegisterGrainTimer(
            static (grain, _) => grain.Coordinator.RefreshGatewayInfoAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = _options.GatewayInfoRefresh,
                Period = _options.GatewayInfoRefresh,
                KeepAlive = true,
                Interleave = true,
            });
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops the coordinator's settling timer; the ledger itself lives in Redis.</summary>
    public void Dispose() => _coordinator?.Dispose();

    public Task<IdentifyGrant> RequestIdentifyAsync(int shardId, int shardCount, DateTimeOffset? unusedSlot)
        => Coordinator.RequestIdentifyAsync(shardId, shardCount, unusedSlot);

    public Task ReportIdentifyFailedAsync(int shardId, DateTimeOffset slotAt) => Coordinator.ReportIdentifyFailedAsync(shardId, slotAt);

    public Task<IdentifyStatus> GetStatusAsync() => Coordinator.GetStatusAsync();

    public async Task<string?> GetGatewayUrlAsync()
    {
        if (Coordinator.GatewayUrl is null)
        {
            await Coordinator.RefreshGatewayInfoAsync().ConfigureAwait(true);
        }

        return Coordinator.GatewayUrl?.ToString();
    }
}
