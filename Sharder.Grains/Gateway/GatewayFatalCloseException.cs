using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Gateway;

/// <summary>
/// The gateway closed a shard's connection with a code that reconnecting cannot fix (bad token, bad
/// shard, intents not allowed...). The shard stopped and will not retry until it is reconfigured.
/// </summary>
public sealed class GatewayFatalCloseException : Exception
{
    public GatewayFatalCloseException()
    {
    }

    public GatewayFatalCloseException(string message)
        : base(message)
    {
    }

    public GatewayFatalCloseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GatewayFatalCloseException(int shardId, int closeCode, string? closeReason)
        : base(Describe(shardId, closeCode, closeReason))
    {
        ShardId = shardId;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    public int ShardId { get; }

    /// <summary>The gateway's close code, e.g. 4004.</summary>
    public int CloseCode { get; }

    /// <summary>The gateway's close reason text, if it sent one.</summary>
    public string? CloseReason { get; }

    private static string Describe(int shardId, int closeCode, string? closeReason)
    {
        var hint = closeCode switch
        {
            (int)GatewayCloseCode.AuthenticationFailed => "the bot token was rejected; set a valid token",
            (int)GatewayCloseCode.InvalidShard => "the shard id or shard count is invalid; check the shard count (large bots need a multiple Discord sets)",
            (int)GatewayCloseCode.ShardingRequired => "the shard would handle too many guilds; run more shards",
            (int)GatewayCloseCode.InvalidApiVersion => "the gateway API version is invalid",
            (int)GatewayCloseCode.InvalidIntents => "the intents bitfield is invalid; fix GatewayOptions.Intents",
            (int)GatewayCloseCode.DisallowedIntents => "a privileged intent is not enabled for the application; enable it in the developer portal or remove it from GatewayOptions.Intents",
            _ => "reconnecting cannot succeed",
        };
        var reason = string.IsNullOrEmpty(closeReason) ? "" : $" (\"{closeReason}\")";
        return $"Shard {shardId} was closed by the gateway with {closeCode}{reason}: {hint}. "
            + "The shard stopped and will not reconnect until it is started again.";
    }
}
